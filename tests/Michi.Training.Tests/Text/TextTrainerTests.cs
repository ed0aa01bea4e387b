// The text pretraining stage on a tiny model and corpus: perplexity falls, the output is a
// Hugging Face directory that loads and computes what the trainer had, a resumed run lands on
// the weights of an uninterrupted one, and misuse is refused with clear errors.
using Michi.Model.Backbone;
using Michi.Model.Checkpoints;
using Michi.Tests.Fixtures;
using Michi.Training.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Training.Tests.Text;

public class TextTrainerTests
{
    [Fact]
    public void PerplexityFallsAndTheOutputIsAHuggingFaceDirectory()
    {
        using var dir = new TempDir();
        var (train, validation) = TextFixture.WriteCorpus(dir);
        var options = TextFixture.Options(train, validation, dir.Combine("run"), steps: 40);
        var events = new List<TrainingProgress>();
        var result = TextTrainer.Train(options, events.Add);

        Assert.Equal(40, result.Step);
        var rows = new MetricsLog(Path.Combine(options.OutputDirectory, MetricsLog.FileName)).ReadAll();
        var ppl = rows.Where(r => r.ContainsKey("val_ppl")).Select(r => r["val_ppl"]).ToList();
        Assert.Equal(2, ppl.Count);                                   // before training and at the end
        Assert.True(ppl[0] > 500, $"a fresh model is near-uniform over 959 tokens (ppl {ppl[0]})");
        Assert.True(ppl[1] < 0.05 * ppl[0], $"validation perplexity {ppl[0]} → {ppl[1]}");
        Assert.Equal(40, rows.Count(r => r.ContainsKey("loss")));
        Assert.Contains(events, e => e.Message?.StartsWith("data:") == true);
        Assert.True(File.Exists(Path.Combine(options.OutputDirectory, MetricsPlot.FileName)));
        Assert.Equal(ppl[1], result.Validation["val_ppl"], 9);

        // OUT/model loads as a Hugging Face directory and scores the validation text as the trainer did.
        using var hf = HfModelDirectory.Load(result.ModelDirectory);
        Assert.Equal(LlamaConfig.Tiny.HiddenSize, hf.Config.HiddenSize);
        int[] tokens = TextTokens.Read(validation, hf.Tokenizer);
        var again = TextPerplexity.Evaluate(ids => hf.Model.Forward(ids), tokens, 32, torch.CPU);
        Assert.Equal(ppl[1], again.Perplexity, 3);
        Assert.True(File.Exists(Path.Combine(result.CheckpointDirectory, "tokenizer.json")));
    }

    [Fact]
    public void ContinuesPretrainingFromAHuggingFaceDirectory()
    {
        using var dir = new TempDir();
        var (train, validation) = TextFixture.WriteCorpus(dir);
        var options = TextFixture.Options(train, validation, dir.Combine("run"), steps: 2);
        options = options with { Recipe = options.Recipe with { Init = TinyLlamaFixture.Directory, Model = LlamaConfig.Load(TinyLlamaFixture.Directory) } };
        using var trainer = TextTrainer.Create(options);
        // Before any step the model is the fixture: its validation perplexity is the fixture's.
        using var fixture = HfModelDirectory.Load(TinyLlamaFixture.Directory);
        int[] tokens = TextTokens.Read(validation, fixture.Tokenizer, options.ValidationTokens);
        double expected = TextPerplexity.Evaluate(ids => fixture.Model.Forward(ids), tokens, 32, torch.CPU).Perplexity;
        Assert.Equal(expected, trainer.Validate()["val_ppl"], 6);
        Assert.Equal(2, trainer.Run().Step);

        // A config that does not match the recipe's model is refused.
        var wrong = options with { OutputDirectory = dir.Combine("run2"), Recipe = options.Recipe with { Model = LlamaConfig.Demo } };
        Assert.Contains(LlamaConfig.FileName, Assert.Throws<InvalidInputException>(() => TextTrainer.Create(wrong).Dispose()).Message);
    }

    [Fact]
    public void ResumingGivesTheSameWeightsAsAnUninterruptedRun()
    {
        using var dir = new TempDir();
        var (train, validation) = TextFixture.WriteCorpus(dir);
        var straight = TextTrainer.Train(TextFixture.Options(train, validation, dir.Combine("straight"), steps: 6));
        var options = TextFixture.Options(train, validation, dir.Combine("resumed"), steps: 6);
        TextTrainer.Train(options with { Schedule = options.Schedule with { Steps = 3 } });
        var resumed = TextTrainer.Train(options with { Resume = true });
        Assert.Equal(6, resumed.Step);
        foreach (string file in new[] { Checkpoint.SingleFileName, CheckpointStore.OptimizerFileName })
            AssertSameTensors(Path.Combine(straight.CheckpointDirectory, file), Path.Combine(resumed.CheckpointDirectory, file));
        var state = RunState<TextTrainingRecipe>.Load(Path.Combine(resumed.CheckpointDirectory, RunState<TextTrainingRecipe>.FileName));
        Assert.Equal(6, state.OptimizerSteps);
        var steps = new MetricsLog(Path.Combine(dir.Combine("resumed"), MetricsLog.FileName)).ReadAll()
            .Where(r => r.ContainsKey("loss")).Select(r => (long)r["step"]).ToList();
        Assert.Equal([1, 2, 3, 4, 5, 6], steps);
    }

    [Fact]
    public void MisuseIsRefusedWithClearErrors()
    {
        using var dir = new TempDir();
        var (train, validation) = TextFixture.WriteCorpus(dir);
        string run = dir.Combine("run");
        var options = TextFixture.Options(train, validation, run, steps: 1);
        Assert.Contains("no checkpoint", Assert.Throws<InvalidInputException>(() => TextTrainer.Train(options with { Resume = true })).Message);
        TextTrainer.Train(options);
        Assert.Contains("--resume", Assert.Throws<InvalidInputException>(() => TextTrainer.Train(options)).Message);
        var changed = Assert.Throws<InvalidInputException>(() =>
            TextTrainer.Train(options with { Resume = true, Recipe = options.Recipe with { BatchSize = 3 } }));
        Assert.Contains("batch_size: 4 → 3", changed.Message);

        string empty = dir.Combine("empty.txt");
        File.WriteAllText(empty, "\n\n");
        var noText = Assert.Throws<InvalidInputException>(() => TextTrainer.Train(TextFixture.Options(empty, validation, dir.Combine("r2"), 1)));
        Assert.Contains(empty, noText.Message);
        Assert.Throws<InvalidInputException>(() => TextTrainer.Train(TextFixture.Options(dir.Combine("missing.txt"), validation, dir.Combine("r3"), 1)));
        // A corpus shorter than one training window.
        string tiny = dir.Combine("tiny.txt");
        File.WriteAllText(tiny, "Hi.\n");
        Assert.Contains("window", Assert.Throws<InvalidInputException>(() => TextTrainer.Train(TextFixture.Options(tiny, validation, dir.Combine("r4"), 1))).Message);
    }

    internal static void AssertSameTensors(string a, string b)
    {
        using var x = SafetensorsFile.Open(a);
        using var y = SafetensorsFile.Open(b);
        Assert.Equal(x.Entries.Keys.Order(), y.Entries.Keys.Order());
        foreach (string name in x.Entries.Keys)
        {
            using var p = x.ReadTensor(name);
            using var q = y.ReadTensor(name);
            using var diff = (p.to(ScalarType.Float64) - q.to(ScalarType.Float64)).abs().max();
            Assert.True(diff.item<double>() <= 1e-6, $"{Path.GetFileName(a)} {name}: max |Δ| = {diff.item<double>()}");
        }
    }
}
