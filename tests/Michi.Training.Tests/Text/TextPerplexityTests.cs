// Perplexity of the text stream: equals exp(mean NLL) where the NLL comes independently from
// the fixture's expected.json (computed in float64 by Hugging Face), windows and batching do
// not change the result, a speech model's text stream is scored over its extended vocabulary,
// and unusable input is refused.
using Michi.Model.Backbone;
using Michi.Model.Speech;
using Michi.Tests.Fixtures;
using Michi.Training.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Training.Tests.Text;

public class TextPerplexityTests
{
    [Fact]
    public void MatchesTheNllComputedByHuggingFace()
    {
        using var hf = HfModelDirectory.Load(TinyLlamaFixture.Directory);
        foreach (var c in TinyLlamaFixture.ModelCases)
        {
            var result = TextPerplexity.Evaluate(ids => hf.Model.Forward(ids), c.Ids, window: c.Ids.Length, torch.CPU);
            Assert.Equal(c.Ids.Length - 1, result.Tokens);
            Assert.Equal(c.MeanNll, result.MeanNll, 4);
            Assert.Equal(Math.Exp(c.MeanNll), result.Perplexity, Math.Exp(c.MeanNll) * 1e-4);   // ppl = exp(mean NLL)
            Assert.Equal(Math.Exp(result.MeanNll), result.Perplexity, 12);
        }
    }

    [Fact]
    public void WindowsAreScoredOnTheirOwnAndBatchingChangesNothing()
    {
        using var hf = HfModelDirectory.Load(TinyLlamaFixture.Directory);
        var ids = TinyLlamaFixture.ModelCases.SelectMany(c => c.Ids).ToArray();
        int window = 7;
        // Independently: one window at a time, log-softmax by hand in float64.
        double sum = 0;
        long count = 0;
        for (int s = 0; s + 1 < ids.Length; s += window)
        {
            int n = Math.Min(window, ids.Length - s);
            using var logits = hf.Model.Forward(torch.tensor(ids[s..(s + n)].Select(i => (long)i).ToArray()).view(1, -1));
            for (int p = 0; p + 1 < n; p++)
            {
                double[] row = logits[0, p].to(ScalarType.Float64).data<double>().ToArray();
                double max = row.Max();
                double logZ = max + Math.Log(row.Sum(v => Math.Exp(v - max)));
                sum += logZ - row[ids[s + p + 1]];
                count++;
            }
        }
        foreach (int batch in new[] { 1, 3, 64 })
        {
            var result = TextPerplexity.Evaluate(x => hf.Model.Forward(x), ids, window, torch.CPU, batch);
            Assert.Equal(count, result.Tokens);
            Assert.Equal(sum / count, result.MeanNll, 6);
        }
    }

    [Fact]
    public void ASpeechModelIsScoredOverItsExtendedVocabulary()
    {
        using var dir = new TempDir();
        var hf = HfModelDirectory.Load(TinyLlamaFixture.Directory);
        using (var speech = new SpeechLmDirectory(new SpeechLm(SpeechLmConfig.Tiny with { Backbone = hf.Config }, hf.Model), TinyLlamaFixture.Directory))
            speech.Save(dir.Combine("speech"));
        int[] ids = TinyLlamaFixture.ModelCases.SelectMany(c => c.Ids).ToArray();
        using var backbone = TextStreamModel.Load(TinyLlamaFixture.Directory);
        using var model = TextStreamModel.Load(dir.Combine("speech"));
        Assert.Equal(("backbone", "speech"), (backbone.Kind, model.Kind));
        Assert.Equal(backbone.TokenizerFingerprint, model.TokenizerFingerprint);
        var b = backbone.Perplexity(ids, 16);
        var s = model.Perplexity(ids, 16);
        Assert.Equal(b.Tokens, s.Tokens);
        // The added rows take some probability mass from every text token: never less perplexity,
        // and, at their mean-row initialisation, not much more.
        Assert.True(s.Perplexity > b.Perplexity && s.Perplexity < 1.05 * b.Perplexity, $"{b.Perplexity} vs {s.Perplexity}");

        // A training output folder stands for its published model.
        Directory.CreateDirectory(dir.Combine("run"));
        Directory.Move(dir.Combine("speech"), dir.Combine("run", StepTrainer.ModelDirectoryName));
        using var viaRun = TextStreamModel.Load(dir.Combine("run"));
        Assert.Equal(s.MeanNll, viaRun.Perplexity(ids, 16).MeanNll, 9);
    }

    [Fact]
    public void UnusableInputIsRefused()
    {
        using var dir = new TempDir();
        using var hf = HfModelDirectory.Load(TinyLlamaFixture.Directory);
        string empty = dir.Combine("empty.txt");
        File.WriteAllText(empty, "");
        Assert.Contains(empty, Assert.Throws<InvalidInputException>(() => TextTokens.Read(empty, hf.Tokenizer)).Message);
        Assert.Throws<InvalidInputException>(() => TextTokens.Read(dir.Combine("missing.txt"), hf.Tokenizer));
        Assert.Throws<InvalidInputException>(() => TextPerplexity.Evaluate(ids => hf.Model.Forward(ids), [5], 8, torch.CPU));
        Assert.Throws<InvalidInputException>(() => TextStreamModel.Load(dir.Combine("nowhere")));
        Assert.Throws<InvalidInputException>(() => TextStreamModel.Load(dir.Path));
    }
}
