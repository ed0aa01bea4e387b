// Text-only positions carry only their token, so a pure-text sequence gives exactly the plain
// backbone's logits (bit for bit over the backbone vocabulary, and the Hugging Face numbers of
// the fixture), whatever the speech heads hold.
using Michi.Model.Speech;
using Michi.Tests.Fixtures;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Tests.Speech;

public sealed class TextOnlyTests
{
    [Fact]
    public void TextOnlyInputGivesExactlyThePlainBackbonesLogits()
    {
        using var model = SpeechTestModels.FixtureModel();
        SpeechTestModels.PerturbHeads(model, seed: 2, scale: 0.5);
        int v = model.Config.TextVocabSize;
        foreach (var c in TinyLlamaFixture.ModelCases)
        {
            using var scope = torch.NewDisposeScope();
            var ids = SpeechTestModels.Ids(c.Ids.Select(i => (long)i).ToArray());
            using var output = model.Forward(SpeechLmInputs.Text(ids));
            var plain = model.Backbone.Forward(ids);
            Assert.True(output.TextLogits.narrow(2, 0, v).eq(plain).all().item<bool>());

            // Speech inputs present but masked out (no user tokens, speech mask false) change nothing either.
            long t = ids.shape[1];
            var masked = new SpeechLmInputs(ids)
            {
                UserTokens = torch.full([1, t], SpeechLmInputs.NoToken, dtype: ScalarType.Int64),
                ModelLatents = torch.randn(1, t, model.Config.LatentDim),
                UserLatents = torch.randn(1, t, model.Config.LatentDim),
                SpeechMask = torch.zeros([1, t], dtype: ScalarType.Bool),
            };
            using var maskedOutput = model.Forward(masked);
            Assert.True(maskedOutput.TextLogits.narrow(2, 0, v).eq(plain).all().item<bool>());

            var last = output.TextLogits[0, t - 1].narrow(0, 0, v);
            var expected = torch.tensor(c.LastLogits);
            Assert.True(last.allclose(expected, rtol: 0, atol: 1e-4), $"max diff {(last - expected).abs().max().item<float>()}");
        }
    }

    [Fact]
    public void SpeechInputsDoChangeTheLogits()
    {
        // The other side of the test above: unmasked latents and user tokens reach the backbone.
        using var model = SpeechTestModels.FixtureModel();
        using var ids = SpeechTestModels.Ids(1, 2, 3);
        using var plain = model.Forward(SpeechLmInputs.Text(ids));
        using var latents = torch.randn(1, 3, model.Config.LatentDim);
        using var speech = model.Forward(new SpeechLmInputs(ids) { ModelLatents = latents, UserLatents = latents });
        using var user = model.Forward(new SpeechLmInputs(ids) { UserTokens = SpeechTestModels.Ids(model.Config.PadId, 7, 8) });
        Assert.False(speech.TextLogits.allclose(plain.TextLogits));
        Assert.False(user.TextLogits.allclose(plain.TextLogits));
    }

    [Fact]
    public void BadInputsAreRefused()
    {
        using var model = SpeechTestModels.FixtureModel();
        int vocab = model.Config.VocabSize;
        Assert.Throws<ArgumentException>(() => model.Forward(SpeechLmInputs.Text(SpeechTestModels.Ids(1, vocab))));
        Assert.Throws<ArgumentException>(() => model.Forward(SpeechLmInputs.Text(SpeechTestModels.Ids(-1, 2))));
        Assert.Throws<ArgumentException>(() => model.Forward(new SpeechLmInputs(SpeechTestModels.Ids(1, 2)) { ModelLatents = torch.zeros(1, 2, model.Config.LatentDim) }));
        Assert.Throws<ArgumentException>(() => model.Forward(new SpeechLmInputs(SpeechTestModels.Ids(1, 2))
            { ModelLatents = torch.zeros(1, 2, 3), UserLatents = torch.zeros(1, 2, 3) }));
        using var session = model.NewSession(4);
        Assert.Throws<ArgumentException>(() => model.StepFrame(session, 1, torch.zeros(model.Config.LatentDim), 2, null));
        Assert.Throws<InvalidInputException>(() => model.NewSession(1_000_000));
        Assert.Throws<InvalidInputException>(() => model.StepText(session, [1, 2, 3, 4, 5]));
    }
}
