// The head and joint stages on a tiny model: shards carry exactly the codec's latents, each
// stage's loss falls, the head stage leaves the backbone untouched while joint moves it, the
// output is a speech model directory with its codec, a resumed run equals an uninterrupted one,
// and inputs that do not fit each other are refused with an InvalidInputException.
using Michi.Data.Shards;
using Michi.Model.Checkpoints;
using Michi.Model.Codec;
using Michi.Model.Speech;
using Michi.Tests.Fixtures;
using Michi.Training.Speech;
using Michi.Training.Tests.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Training.Tests.Speech;

public class SpeechTrainerTests
{
    [Fact]
    public void ShardLatentsAreTheCodecsOutput()
    {
        using var dir = new TempDir();
        string codecDir = SpeechFixture.WriteCodec(dir);
        string shards = SpeechFixture.BuildShards(dir, SpeechFixture.WriteCorpus(dir, count: 3), codecDir);
        var set = SpeechShardSet.Load(shards);
        using var codec = AudioCodec.Load(codecDir);
        var tokenizer = Michi.Model.Text.TextTokenizer.Load(TinyLlamaFixture.Directory);
        foreach (var u in set.Utterances)
        {
            var (samples, _) = Michi.Audio.WavFile.ReadMono(Path.Combine(dir.Combine("speech"), u.Name + ".wav"));
            int frames = (samples.Length + 1919) / 1920;
            var padded = new float[frames * 1920];
            samples.CopyTo(padded, 0);
            using var noGrad = torch.no_grad();
            using var offline = codec.Encode(torch.tensor(padded, [1, padded.Length]));     // (1, F, D), one offline pass
            float[] expected = offline.contiguous().data<float>().ToArray();
            Assert.Equal(expected.Length, u.Latents.Length);
            for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - u.Latents[i]) < 1e-4, $"{u.Name}[{i}]: {expected[i]} vs {u.Latents[i]}");
            // The text stream holds the words' tokens in order (the first word without a leading space).
            var record = Michi.Data.Corpus.UtteranceRecord.Read(Path.Combine(dir.Combine("speech"), u.Name + ".json"));
            int[] spoken = record.Words.SelectMany((w, k) => tokenizer.Encode(k == 0 ? w.Word : " " + w.Word)).ToArray();
            Assert.Equal(spoken, u.Tokens.Where(t => t >= 0).ToArray());
            Assert.Equal(ShardManifest.EndOfTurnToken, u.Tokens.Last(t => t != ShardManifest.PadToken));
        }
    }

    [Fact]
    public void HeadStageLossFallsWithTheBackboneFrozen()
    {
        using var dir = new TempDir();
        string codec = SpeechFixture.WriteCodec(dir);
        string shards = SpeechFixture.BuildShards(dir, SpeechFixture.WriteCorpus(dir), codec);
        var options = SpeechFixture.Options(shards, codec, dir.Combine("run"), steps: 40);
        var result = SpeechTrainer.Train(options);

        var rows = new MetricsLog(Path.Combine(options.OutputDirectory, MetricsLog.FileName)).ReadAll();
        var loss = rows.Where(r => r.ContainsKey("loss")).Select(r => r["loss"]).ToList();
        Assert.Equal(40, loss.Count);
        Assert.True(loss.TakeLast(5).Average() < 0.6 * loss.Take(5).Average(), $"loss {loss.Take(5).Average()} → {loss.TakeLast(5).Average()}");
        foreach (string part in new[] { "text", "flow", "listen" })
        {
            var values = rows.Where(r => r.ContainsKey(part)).Select(r => r[part]).ToList();
            Assert.True(values.TakeLast(5).Average() < values.Take(5).Average(), $"{part} {values.Take(5).Average()} → {values.TakeLast(5).Average()}");
        }
        var validation = rows.Where(r => r.ContainsKey("val_text")).ToList();
        Assert.Equal(2, validation.Count);
        Assert.True(validation[1]["val_text"] < validation[0]["val_text"]);

        // The published model is a speech model directory with its codec; the backbone is the fixture's, bit for bit.
        using var model = SpeechLmDirectory.Load(result.ModelDirectory);
        Assert.NotNull(model.Codec);
        TextTrainerTests.AssertSameTensors(Path.Combine(TinyLlamaFixture.Directory, Checkpoint.SingleFileName),
            Path.Combine(result.ModelDirectory, SpeechLmDirectory.BackboneDirectoryName, Checkpoint.SingleFileName));
    }

    [Fact]
    public void JointStageTrainsEverythingAndTracksHeldOutText()
    {
        using var dir = new TempDir();
        string codec = SpeechFixture.WriteCodec(dir);
        string shards = SpeechFixture.BuildShards(dir, SpeechFixture.WriteCorpus(dir), codec);
        var (train, validation) = TextFixture.WriteCorpus(dir);
        var options = SpeechFixture.Options(shards, codec, dir.Combine("run"), steps: 40, stage: "joint") with { TrainText = train, ValidationText = validation };
        var result = SpeechTrainer.Train(options);

        var rows = new MetricsLog(Path.Combine(options.OutputDirectory, MetricsLog.FileName)).ReadAll();
        var speech = rows.Where(r => r.ContainsKey("text")).Select(r => r["loss"]).ToList();
        var text = rows.Where(r => r.ContainsKey("text_only")).Select(r => r["text_only"]).ToList();
        Assert.True(speech.Count >= 10 && text.Count >= 10, $"{speech.Count} speech and {text.Count} text steps");
        Assert.True(speech.TakeLast(5).Average() < 0.6 * speech.Take(5).Average(), $"speech loss {speech.Take(5).Average()} → {speech.TakeLast(5).Average()}");
        Assert.True(text.TakeLast(3).Average() < text.Take(3).Average(), $"text loss {text.Take(3).Average()} → {text.TakeLast(3).Average()}");
        var ppl = rows.Where(r => r.ContainsKey("val_text_ppl")).Select(r => r["val_text_ppl"]).ToList();
        Assert.Equal(2, ppl.Count);
        Assert.True(ppl[1] < ppl[0], $"held-out text perplexity {ppl[0]} → {ppl[1]}");

        using var before = SafetensorsFile.Open(Path.Combine(TinyLlamaFixture.Directory, Checkpoint.SingleFileName));
        using var after = SafetensorsFile.Open(Path.Combine(result.ModelDirectory, SpeechLmDirectory.BackboneDirectoryName, Checkpoint.SingleFileName));
        using var a = before.ReadTensor("model.norm.weight", ScalarType.Float32);
        using var b = after.ReadTensor("model.norm.weight", ScalarType.Float32);
        Assert.False(a.allclose(b), "joint training moves the backbone");
    }

    [Fact]
    public void ResumingGivesTheSameWeightsAsAnUninterruptedRun()
    {
        using var dir = new TempDir();
        string codec = SpeechFixture.WriteCodec(dir);
        string shards = SpeechFixture.BuildShards(dir, SpeechFixture.WriteCorpus(dir), codec);
        var (train, _) = TextFixture.WriteCorpus(dir);
        SpeechTrainingOptions Options(string name, long steps) =>
            SpeechFixture.Options(shards, codec, dir.Combine(name), steps: 6, stage: "joint") with
            {
                TrainText = train,
                Schedule = new TrainingSchedule { Steps = steps, LogEvery = 1, ValidateEvery = 1000, CheckpointEvery = 1000 },
            };
        var straight = SpeechTrainer.Train(Options("straight", 6));
        SpeechTrainer.Train(Options("resumed", 3));
        var resumed = SpeechTrainer.Train(Options("resumed", 6) with { Resume = true });
        Assert.Equal(6, resumed.Step);
        foreach (string file in new[] { Path.Combine(SpeechLmDirectory.BackboneDirectoryName, Checkpoint.SingleFileName),
                     SpeechLmDirectory.HeadsFileName, CheckpointStore.OptimizerFileName })
            TextTrainerTests.AssertSameTensors(Path.Combine(straight.CheckpointDirectory, file), Path.Combine(resumed.CheckpointDirectory, file));
        var rows = new MetricsLog(Path.Combine(dir.Combine("resumed"), MetricsLog.FileName)).ReadAll().Where(r => r.ContainsKey("loss")).ToList();
        Assert.Equal([1, 2, 3, 4, 5, 6], rows.Select(r => (long)r["step"]));
        Assert.Contains(rows, r => r.ContainsKey("text_only"));                      // both kinds of step were taken
        Assert.Contains(rows, r => r.ContainsKey("flow"));
    }

    [Fact]
    public void InputsThatDoNotFitAreRefused()
    {
        using var dir = new TempDir();
        string codec = SpeechFixture.WriteCodec(dir);
        string shards = SpeechFixture.BuildShards(dir, SpeechFixture.WriteCorpus(dir, count: 3), codec);
        var options = SpeechFixture.Options(shards, codec, dir.Combine("run"), steps: 1);

        var missing = Assert.Throws<InvalidInputException>(() => SpeechTrainer.Train(options with { ShardsDirectory = dir.Combine("nowhere") }));
        Assert.Contains("nowhere", missing.Message);

        // A codec whose latents are 4-d, against shards (and a model) of 8-d latents.
        string narrow = SpeechFixture.WriteCodec(dir, "narrow", config: CodecConfig.Tiny with { LatentDim = 4 });
        Assert.Contains("latent_dim", Assert.Throws<InvalidInputException>(() => SpeechTrainer.Train(options with { CodecDirectory = narrow })).Message);

        // Same shape, other weights: the shards' latents belong to another codec.
        string other = SpeechFixture.WriteCodec(dir, "other", seed: 2);
        Assert.Contains("another codec", Assert.Throws<InvalidInputException>(() => SpeechTrainer.Train(options with { CodecDirectory = other })).Message);

        // Joint training without the text it mixes in.
        var joint = SpeechFixture.Options(shards, codec, dir.Combine("run2"), steps: 1, stage: "joint");
        Assert.Contains("--text", Assert.Throws<InvalidInputException>(() => SpeechTrainer.Train(joint)).Message);
        string empty = dir.Combine("empty.txt");
        File.WriteAllText(empty, "");
        Assert.Contains(empty, Assert.Throws<InvalidInputException>(() => SpeechTrainer.Train(joint with { TrainText = empty })).Message);
    }
}
