// Training a codec whose vocoder has the harmonic head (F0 supervised by YIN targets), and
// starting a run from another run's encoder (recipe init_encoder).
using Michi.Audio;
using Michi.Model.Codec;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Training.Tests.Training;

public class HarmonicCodecTrainingTests
{
    private static readonly CodecConfig TinyHarmonic = CodecConfig.Tiny with
    {
        Vocoder = CodecConfig.Tiny.Vocoder with { UpsampleRates = [8], UpsampleKernelSizes = [16], Harmonics = 16, HarmonicEnvelopeBins = 12 },
    };

    private static CodecTrainingOptions Options(string data, string output, long steps) =>
        TrainingFixture.Options(data, output, steps, adversarialStart: 1000) is var o
            ? o with { ValidateEvery = 1000, Recipe = o.Recipe with { Codec = TinyHarmonic, LearningRate = 3e-3, LrDecay = 1.0 } }
            : throw new InvalidOperationException();

    [Fact]
    public void F0ErrorFallsAndIsLoggedWithItsValidation()
    {
        using var dir = new TempDir();
        string data = dir.Combine("tones");                 // one steady pitch per file
        Directory.CreateDirectory(data);
        // All well above where a fresh F0 output starts (≈ 166 Hz, the middle of 50–550 Hz in
        // log): the error can only fall if the supervision reaches the F0 channel.
        foreach (double hz in new[] { 300.0, 320, 340, 360, 380 })
            WavFile.Write(Path.Combine(data, $"tone{hz}.wav"), TestSignals.Sine(24000, hz, amplitude: 0.3), 24000);
        var result = CodecTrainer.Train(Options(data, dir.Combine("run"), steps: 60));
        var rows = new MetricsLog(Path.Combine(dir.Combine("run"), MetricsLog.FileName)).ReadAll();
        var f0 = rows.Where(r => r.ContainsKey("f0")).Select(r => r["f0"]).ToList();
        Assert.Equal(60, f0.Count);
        Assert.True(f0.TakeLast(10).Average() < 0.5 * f0.Take(10).Average(), $"f0 loss {f0.Take(10).Average()} → {f0.TakeLast(10).Average()}");
        var validation = rows.Where(r => r.ContainsKey("val_f0")).ToList();
        Assert.Equal(2, validation.Count);                  // before training and at the end
        Assert.True(validation[1]["val_f0"] < validation[0]["val_f0"]);
        using var codec = AudioCodec.Load(result.CheckpointDirectory);
        Assert.True(codec.Vocoder.PredictsPitch);
    }

    [Fact]
    public void InitEncoderStartsFromAnotherRunsEncoderOnly()
    {
        using var dir = new TempDir();
        string data = TrainingFixture.WriteCorpus(dir);
        var first = CodecTrainer.Train(TrainingFixture.Options(data, dir.Combine("istft"), steps: 3));   // tiny iSTFT codec
        var options = Options(data, dir.Combine("harmonic"), steps: 0);
        var second = CodecTrainer.Train(options with { Recipe = options.Recipe with { InitEncoder = first.CheckpointDirectory } });
        using var a = AudioCodec.Load(first.CheckpointDirectory);
        using var b = AudioCodec.Load(second.CheckpointDirectory);
        var source = a.Encoder.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in b.Encoder.named_parameters())
            Assert.True(p.sub(source[name]).abs().max().item<float>() == 0, $"encoder.{name} was not copied");
        Assert.True(b.Vocoder.PredictsPitch);

        // An encoder of another shape is refused, naming the folder.
        var other = options with
        {
            OutputDirectory = dir.Combine("mismatch"),
            Recipe = options.Recipe with
            {
                InitEncoder = first.CheckpointDirectory,
                Codec = TinyHarmonic with { Encoder = TinyHarmonic.Encoder with { Channels = 8 } },
            },
        };
        var e = Assert.Throws<InvalidInputException>(() => CodecTrainer.Train(other));
        Assert.Contains("encoder", e.Message);
        Assert.Contains(first.CheckpointDirectory, e.Message);
    }

    [Fact]
    public void FreezeEncoderTrainsTheVocoderOnlyFromInitCodec()
    {
        using var dir = new TempDir();
        string data = TrainingFixture.WriteCorpus(dir);
        var first = CodecTrainer.Train(Options(data, dir.Combine("first"), steps: 2));
        var options = Options(data, dir.Combine("frozen"), steps: 3);
        var frozen = CodecTrainer.Train(options with { Recipe = options.Recipe with { InitCodec = first.CheckpointDirectory, FreezeEncoder = true } });
        using var a = AudioCodec.Load(first.CheckpointDirectory);
        using var b = AudioCodec.Load(frozen.CheckpointDirectory);
        var before = a.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in b.named_parameters())
        {
            double change = p.sub(before[name]).abs().max().item<float>();
            if (name.StartsWith("encoder.", StringComparison.Ordinal)) Assert.True(change == 0, $"{name} moved by {change}");
        }
        Assert.Contains(b.named_parameters(), p => p.name.StartsWith("vocoder.", StringComparison.Ordinal)
            && p.parameter.sub(before[p.name]).abs().max().item<float>() > 0);

        // Freezing a random encoder is refused.
        var random = Options(data, dir.Combine("random"), steps: 1);
        var e = Assert.Throws<InvalidInputException>(() => CodecTrainer.Train(random with { Recipe = random.Recipe with { FreezeEncoder = true } }));
        Assert.Contains("freeze_encoder", e.Message);
    }
}
