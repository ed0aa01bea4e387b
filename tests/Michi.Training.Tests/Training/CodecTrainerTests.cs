using Michi.Training.Discriminators;
using Michi.Model.Checkpoints;
using Michi.Model.Codec;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Training.Tests.Training;

public class CodecTrainerTests
{
    [Fact]
    public void TinyCodecLossFalls()
    {
        using var dir = new TempDir();
        string data = TrainingFixture.WriteCorpus(dir);
        var options = TrainingFixture.Options(data, dir.Combine("run"), steps: 40, adversarialStart: 30) with { ValidateEvery = 40 };
        options = options with { Recipe = options.Recipe with { LearningRate = 3e-3, LrDecay = 1.0 } };
        var events = new List<CodecTrainingProgress>();
        var result = CodecTrainer.Train(options, events.Add);

        Assert.Equal(40, result.Step);
        var rows = new MetricsLog(Path.Combine(options.OutputDirectory, MetricsLog.FileName)).ReadAll();
        var validation = rows.Where(r => r.ContainsKey("val_mel")).Select(r => r["val_mel"]).ToList();
        Assert.Equal(2, validation.Count);                       // before training, and at the end
        Assert.True(validation[1] < 0.9 * validation[0], $"validation mel {validation[0]} → {validation[1]}");
        var mel = rows.Where(r => r.ContainsKey("mel")).Select(r => r["mel"]).ToList();
        Assert.Equal(40, mel.Count);
        Assert.True(mel.TakeLast(5).Average() < 0.9 * mel.Take(5).Average());
        Assert.True(rows.Last(r => r.ContainsKey("mel")).ContainsKey("disc"));   // the adversary came on at step 30
        Assert.False(rows.First(r => r.ContainsKey("mel")).ContainsKey("disc"));
        Assert.Contains(events, e => e.Message?.StartsWith("data:") == true);
        Assert.True(File.Exists(Path.Combine(options.OutputDirectory, MetricsPlot.FileName)));

        // The checkpoint folder is a codec model directory.
        using var codec = AudioCodec.Load(result.CheckpointDirectory);
        Assert.Equal(CodecConfig.Tiny.LatentDim, codec.Config.LatentDim);
    }

    [Fact]
    public void ResumingGivesTheSameWeightsAsAnUninterruptedRun()
    {
        using var dir = new TempDir();
        string data = TrainingFixture.WriteCorpus(dir);
        // Adversary on from step 2, so both optimisers and the discriminator are exercised.
        var straight = CodecTrainer.Train(TrainingFixture.Options(data, dir.Combine("straight"), steps: 6));
        // The interrupted run is stopped by cancellation after step 3, which writes a checkpoint.
        using var cts = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => CodecTrainer.Train(TrainingFixture.Options(data, dir.Combine("resumed"), steps: 6),
            p => { if (p.Step == 3 && p.Message is null) cts.Cancel(); }, cts.Token));
        Assert.EndsWith(CheckpointStore.StepFolderName(3), new CheckpointStore(dir.Combine("resumed")).Latest());
        var resumed = CodecTrainer.Train(TrainingFixture.Options(data, dir.Combine("resumed"), steps: 6) with { Resume = true });
        Assert.Equal(6, resumed.Step);

        foreach (string file in new[] { Checkpoint.SingleFileName, CheckpointStore.DiscriminatorFileName, CheckpointStore.OptimizerFileName })
        {
            using var a = SafetensorsFile.Open(Path.Combine(straight.CheckpointDirectory, file));
            using var b = SafetensorsFile.Open(Path.Combine(resumed.CheckpointDirectory, file));
            Assert.Equal(a.Entries.Keys.Order(), b.Entries.Keys.Order());
            foreach (string name in a.Entries.Keys)
            {
                using var x = a.ReadTensor(name);
                using var y = b.ReadTensor(name);
                using var diff = (x.to(ScalarType.Float64) - y.to(ScalarType.Float64)).abs().max();
                Assert.True(diff.item<double>() <= 1e-6, $"{file} {name}: max |Δ| = {diff.item<double>()}");
            }
        }
        // And the weights did move.
        using var trained = SafetensorsFile.Open(Path.Combine(straight.CheckpointDirectory, Checkpoint.SingleFileName));
        Assert.Contains(trained.Entries.Keys, k => k.StartsWith("encoder.", StringComparison.Ordinal));
        var resumedState = TrainerState.Load(Path.Combine(resumed.CheckpointDirectory, TrainerState.FileName));
        var straightState = TrainerState.Load(Path.Combine(straight.CheckpointDirectory, TrainerState.FileName));
        Assert.Equal(straightState.DataRngState, resumedState.DataRngState);
        Assert.Equal(4, resumedState.DiscriminatorOptimizerSteps);
        var steps = new MetricsLog(Path.Combine(dir.Combine("resumed"), MetricsLog.FileName)).ReadAll()
            .Where(r => r.ContainsKey("mel")).Select(r => (long)r["step"]).ToList();
        Assert.Equal([1, 2, 3, 4, 5, 6], steps);
    }

    [Fact]
    public void ACrashWhileCheckpointingLeavesThePreviousCheckpointUsable()
    {
        using var dir = new TempDir();
        string data = TrainingFixture.WriteCorpus(dir);
        string run = dir.Combine("run");
        CodecTrainer.Train(TrainingFixture.Options(data, run, steps: 2));
        var store = new CheckpointStore(run);
        string before = store.Latest()!;

        using (var trainer = CodecTrainer.Create(TrainingFixture.Options(data, run, steps: 4) with { Resume = true }))
        {
            int written = 0;
            trainer.Store.AfterFileWritten = _ =>
            {
                if (++written == 2) throw new IOException("simulated crash");
            };
            Assert.Throws<IOException>(() => trainer.Run());
        }
        Assert.Equal(before, store.Latest());
        Assert.Equal(2, TrainerState.Load(Path.Combine(before, TrainerState.FileName)).Step);
        using (var codec = AudioCodec.Load(before)) Assert.NotNull(codec);
        // A half-written folder is left behind; the next run ignores it, cleans it up and finishes.
        Assert.NotEmpty(Directory.EnumerateDirectories(store.Root, ".tmp-*"));
        var result = CodecTrainer.Train(TrainingFixture.Options(data, run, steps: 4) with { Resume = true });
        Assert.Equal(4, result.Step);
        Assert.Empty(Directory.EnumerateDirectories(store.Root, ".tmp-*"));
    }

    [Fact]
    public void ResetDiscriminatorSwitchesTheAdversaryAndKeepsTheCodec()
    {
        using var dir = new TempDir();
        string data = TrainingFixture.WriteCorpus(dir);
        string run = dir.Combine("run");
        var first = CodecTrainer.Train(TrainingFixture.Options(data, run, steps: 3));
        var options = TrainingFixture.Options(data, run, steps: 4) with { Resume = true };
        var wider = DiscriminatorConfig.Tiny with { PeriodChannels = [6, 10] };
        var changed = options with { Recipe = options.Recipe with { Discriminator = wider } };

        // Without the flag a different discriminator is a different recipe.
        Assert.Contains("discriminator:", Assert.Throws<InvalidInputException>(() => CodecTrainer.Train(changed)).Message);

        using (var trainer = CodecTrainer.Create(changed with { ResetDiscriminator = true }))
        {
            using var saved = AudioCodec.Load(first.CheckpointDirectory);
            var expected = saved.state_dict();
            foreach (var (name, tensor) in trainer.Codec.state_dict())
                Assert.True(tensor.allclose(expected[name], 0, 0), name);   // the codec is the checkpoint's
            Assert.Equal(6, trainer.Discriminator.state_dict()["mpd.0.convs.0.weight_v"].shape[0]);
        }
        var result = CodecTrainer.Train(changed with { ResetDiscriminator = true });
        Assert.Equal(4, result.Step);
        // The new recipe is the run's from now on: a plain resume with it is accepted.
        Assert.Equal(5, CodecTrainer.Train(changed with { Steps = 5 }).Step);

        Assert.Contains("resume", Assert.Throws<InvalidInputException>(() =>
            CodecTrainer.Train(TrainingFixture.Options(data, dir.Combine("fresh"), 1) with { ResetDiscriminator = true })).Message);
    }

    [Fact]
    public void MisuseIsRefusedWithClearErrors()
    {
        using var dir = new TempDir();
        string data = TrainingFixture.WriteCorpus(dir);
        string run = dir.Combine("run");
        var noCheckpoint = Assert.Throws<InvalidInputException>(() =>
            CodecTrainer.Train(TrainingFixture.Options(data, run, steps: 1) with { Resume = true }));
        Assert.Contains("no checkpoint", noCheckpoint.Message);

        CodecTrainer.Train(TrainingFixture.Options(data, run, steps: 1));
        var exists = Assert.Throws<InvalidInputException>(() => CodecTrainer.Train(TrainingFixture.Options(data, run, steps: 2)));
        Assert.Contains("--resume", exists.Message);

        var options = TrainingFixture.Options(data, run, steps: 2) with { Resume = true };
        var changed = Assert.Throws<InvalidInputException>(() =>
            CodecTrainer.Train(options with { Recipe = options.Recipe with { BatchSize = 3 } }));
        Assert.Contains("batch_size: 2 → 3", changed.Message);

        // A corrupt checkpoint file is named in the error.
        string latest = new CheckpointStore(run).Latest()!;
        string weights = Path.Combine(latest, CheckpointStore.OptimizerFileName);
        File.WriteAllBytes(weights, File.ReadAllBytes(weights)[..100]);
        var corrupt = Assert.Throws<InvalidInputException>(() => CodecTrainer.Train(options));
        Assert.Contains(CheckpointStore.OptimizerFileName, corrupt.Message);

        Assert.Throws<InvalidInputException>(() => CodecTrainer.Train(TrainingFixture.Options(dir.Combine("missing"), dir.Combine("r2"), 1)));
    }
}
