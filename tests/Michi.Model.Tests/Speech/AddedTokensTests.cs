// The extended vocabulary: original rows untouched (bit for bit), new rows at the mean of the
// backbone's rows, tied output rows following the input rows, an untied head getting its own.
using Michi.Model.Backbone;
using Michi.Model.Speech;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Tests.Speech;

public sealed class AddedTokensTests
{
    private static Tensor Param(nn.Module m, string name) => m.named_parameters().First(p => p.name == name).parameter;

    [Fact]
    public void OriginalRowsStayBitIdenticalAndNewRowsStartAtTheMean()
    {
        var hf = HfModelDirectory.Load(Michi.Tests.Fixtures.TinyLlamaFixture.Directory);
        using var before = Param(hf.Model, AddedTokens.BackboneEmbeddingName).clone();
        using var model = new SpeechLm(SpeechLmConfig.Tiny with { Backbone = hf.Config }, hf.Model);
        var config = model.Config;

        using var after = Param(model.Backbone, AddedTokens.BackboneEmbeddingName);
        Assert.True(before.eq(after).all().item<bool>());

        using var mean = before.mean([0]);
        var rows = model.Heads.AddedTokens.EmbeddingRows;
        Assert.Equal(new long[] { 3, config.HiddenSize }, rows.shape);
        for (int i = 0; i < 3; i++) Assert.True(rows[i].allclose(mean, rtol: 0, atol: 1e-6));

        // Extended ids read the right table: original ids exactly the backbone's rows, added ids the new ones.
        using var ids = SpeechTestModels.Ids(5, config.PadId, 17, config.EndOfTurnId);
        using var embedded = model.Embed(SpeechLmInputs.Text(ids));
        using var original = model.Backbone.Embed(SpeechTestModels.Ids(5, 0, 17, 0));
        Assert.True(embedded[0, 0].eq(original[0, 0]).all().item<bool>());
        Assert.True(embedded[0, 2].eq(original[0, 2]).all().item<bool>());
        Assert.True(embedded[0, 1].eq(rows[0]).all().item<bool>());
        Assert.True(embedded[0, 3].eq(rows[2]).all().item<bool>());
        Assert.Equal(new[] { config.TextVocabSize, config.TextVocabSize + 1, config.TextVocabSize + 2 },
            new[] { config.PadId, config.StartOfSpeechId, config.EndOfTurnId });
    }

    [Fact]
    public void TiedHeadScoresAddedTokensWithTheInputRows()
    {
        using var model = SpeechTestModels.FixtureModel();
        SpeechTestModels.PerturbHeads(model, seed: 1);   // new rows now differ from each other
        Assert.DoesNotContain(model.Heads.state_dict().Keys, k => k.Contains("lm_head"));
        using var hidden = torch.randn(1, 3, model.Config.HiddenSize);
        using var logits = model.TextLogits(hidden);                                     // (1, 3, V')
        Assert.Equal(model.Config.VocabSize, logits.shape[2]);
        using var baseLogits = model.Backbone.Logits(hidden);
        using var head = logits.narrow(2, 0, model.Config.TextVocabSize);
        Assert.True(head.eq(baseLogits).all().item<bool>());
        using var added = logits.narrow(2, model.Config.TextVocabSize, 3);
        using var expected = hidden.matmul(model.Heads.AddedTokens.EmbeddingRows.t());
        Assert.True(added.allclose(expected, rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void UntiedBackboneGetsOutputRowsAtTheMeanOfItsHead()
    {
        var backboneConfig = LlamaConfig.Tiny with { TieWordEmbeddings = false };
        using var model = SpeechLm.Create(SpeechLmConfig.Tiny with { Backbone = backboneConfig });
        Assert.Contains("added_tokens.lm_head", model.Heads.state_dict().Keys);
        using var head = Param(model.Backbone, AddedTokens.BackboneHeadName);
        using var embedding = Param(model.Backbone, AddedTokens.BackboneEmbeddingName);
        using var headMean = head.mean([0]);
        using var embeddingMean = embedding.mean([0]);
        Assert.True(model.Heads.AddedTokens.OutputRows[1].allclose(headMean, rtol: 0, atol: 1e-6));
        Assert.True(model.Heads.AddedTokens.EmbeddingRows[1].allclose(embeddingMean, rtol: 0, atol: 1e-6));
        Assert.False(headMean.allclose(embeddingMean));   // the two tables differ, so the test can tell
    }
}
