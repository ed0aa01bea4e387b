using System.Text.Json;
using Michi.Audio;
using Michi.Model.Checkpoints;
using TorchSharp;

namespace Michi.Cli.Tests;

/// <summary>One tiny codec trained through the CLI, shared by the tests that need a model.</summary>
public sealed class TrainedTinyCodec : IDisposable
{
    public TrainedTinyCodec()
    {
        Root = CliHarness.TempDir();
        Data = Path.Combine(Root, "data");
        Directory.CreateDirectory(Path.Combine(Data, "nested"));
        for (int i = 0; i < 3; i++)
            File.WriteAllBytes(Path.Combine(Data, i == 0 ? "nested" : "", $"s{i}.wav"), RawWav.Sine16(24000, 1, 24000, 200 + 150 * i));
        File.WriteAllBytes(Path.Combine(Data, "stereo-16k.wav"), RawWav.Sine16(16000, 2, 16000, 500));
        Run = Path.Combine(Root, "run");
        First = CliHarness.RunAsync(TrainArgs(Data, Run, 3)).GetAwaiter().GetResult();
    }

    public string Root { get; }
    public string Data { get; }
    public string Run { get; }
    public CliResult First { get; }

    public static string[] TrainArgs(string data, string run, int steps, params string[] extra) =>
    [
        "codec", "train", "--data", data, "--out", run, "--preset", "tiny", "--steps", steps.ToString(), "--batch", "2",
        "--crop-seconds", "0.25", "--adversarial-start", "1", "--validation-files", "1", "--json", .. extra,
    ];

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

public class CodecCommandTests(TrainedTinyCodec trained) : IClassFixture<TrainedTinyCodec>
{
    [Fact]
    public async Task TrainWritesACheckpointAndResumes()
    {
        Assert.True(trained.First.ExitCode == 0, trained.First.Stderr);
        using (var doc = JsonDocument.Parse(trained.First.Stdout))
        {
            Assert.Equal(3, doc.RootElement.GetProperty("step").GetInt64());
            Assert.True(doc.RootElement.GetProperty("val_mel").GetDouble() > 0);
            Assert.True(File.Exists(Path.Combine(doc.RootElement.GetProperty("checkpoint").GetString()!, "model.safetensors")));
        }
        Assert.Contains("training file", trained.First.Stderr);
        Assert.True(File.Exists(Path.Combine(trained.Run, "metrics.csv")));

        string copy = Path.Combine(trained.Root, "resume-copy");
        CopyDirectory(trained.Run, copy);
        var resumed = await CliHarness.RunAsync("codec", "train", "--data", trained.Data, "--out", copy, "--steps", "4", "--resume", "--json");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        using (var doc = JsonDocument.Parse(resumed.Stdout)) Assert.Equal(4, doc.RootElement.GetProperty("step").GetInt64());

        var changed = await CliHarness.RunAsync("codec", "train", "--data", trained.Data, "--out", copy, "--steps", "5", "--resume", "--batch", "3");
        Assert.Equal(2, changed.ExitCode);
        Assert.Contains("batch_size: 2 → 3", changed.Stderr);
        var again = await CliHarness.RunAsync(TrainedTinyCodec.TrainArgs(trained.Data, copy, 5));
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--resume", again.Stderr);
    }

    [Fact]
    public async Task TrainTakesACodecConfigFile()
    {
        // The tiny preset's config with another iSTFT size: the trained checkpoint has it.
        string config = Path.Combine(trained.Root, "custom-codec.json");
        var custom = Michi.Model.Codec.CodecConfig.Tiny;
        custom = custom with { Vocoder = custom.Vocoder with { IstftNFft = custom.Vocoder.IstftNFft * 2 } };
        Directory.CreateDirectory(Path.Combine(trained.Root, "custom-config"));
        custom.Save(Path.Combine(trained.Root, "custom-config"));
        File.Copy(Path.Combine(trained.Root, "custom-config", "config.json"), config);
        string run = Path.Combine(trained.Root, "custom-run");
        string[] args = [.. TrainedTinyCodec.TrainArgs(trained.Data, run, 2).Where(a => a != "--preset" && a != "tiny"), "--config", config];
        var result = await CliHarness.RunAsync(args);
        Assert.True(result.ExitCode == 0, result.Stderr);
        string checkpoint;
        using (var doc = JsonDocument.Parse(result.Stdout)) checkpoint = doc.RootElement.GetProperty("checkpoint").GetString()!;
        Assert.Equal(custom.Vocoder.IstftNFft, Michi.Model.Codec.CodecConfig.Load(checkpoint).Vocoder.IstftNFft);

        var both = await CliHarness.RunAsync([.. TrainedTinyCodec.TrainArgs(trained.Data, Path.Combine(trained.Root, "both"), 1), "--config", config]);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("not both", both.Stderr);
    }

    [Fact]
    public async Task EncodeDecodeAndResynthConvertAtTheEdge()
    {
        string dir = CliHarness.TempDir();
        string input = Path.Combine(dir, "in.wav"), latents = Path.Combine(dir, "z.safetensors");
        string decoded = Path.Combine(dir, "out.wav"), resynth = Path.Combine(dir, "re.wav");
        File.WriteAllBytes(input, RawWav.Sine16(48000, 2, 24000, 330));   // 0.5 s, 48 kHz stereo

        var encode = await CliHarness.RunAsync("codec", "encode", input, latents, "--model", trained.Run);
        Assert.True(encode.ExitCode == 0, encode.Stderr);
        using (var file = SafetensorsFile.Open(latents))
        {
            Assert.Equal(new long[] { 7, 8 }, file.Entries["latents"].Shape);   // ⌈12000 / 1920⌉ frames × tiny latent_dim
            Assert.Equal("12000", file.Metadata["samples"]);
        }
        var decode = await CliHarness.RunAsync("codec", "decode", latents, decoded, "--model", trained.Run);
        Assert.True(decode.ExitCode == 0, decode.Stderr);
        var info = WavFile.ReadInfo(decoded);
        Assert.Equal((24000, 1, 12000L), (info.SampleRate, info.Channels, info.Frames));

        var re = await CliHarness.RunAsync("codec", "resynth", input, resynth, "--model", trained.Run);
        Assert.True(re.ExitCode == 0, re.Stderr);
        var (a, _) = WavFile.ReadMono(decoded);
        var (b, _) = WavFile.ReadMono(resynth);
        Assert.Equal(a, b);   // resynth = encode + decode, same streaming path
    }

    [Fact]
    public async Task BadInputsAreOneLineErrors()
    {
        string dir = CliHarness.TempDir();
        string checkpoint = Directory.GetDirectories(Path.Combine(trained.Run, "checkpoints"), "step-*").Order().Last();

        // Latents of the wrong dimension.
        string wrong = Path.Combine(dir, "wrong.safetensors");
        using (var t = torch.zeros(5, 7)) SafetensorsWriter.Write(wrong, new Dictionary<string, torch.Tensor> { ["latents"] = t });
        await ExpectBadInput(["codec", "decode", wrong, Path.Combine(dir, "o.wav"), "--model", checkpoint], "latent");
        // A safetensors file without latents.
        string other = Path.Combine(dir, "other.safetensors");
        using (var t = torch.zeros(5, 8)) SafetensorsWriter.Write(other, new Dictionary<string, torch.Tensor> { ["x"] = t });
        await ExpectBadInput(["codec", "decode", other, Path.Combine(dir, "o.wav"), "--model", checkpoint], "latents");
        // A corrupt checkpoint.
        string corrupt = Path.Combine(dir, "corrupt");
        CopyDirectory(checkpoint, corrupt);
        string weights = Path.Combine(corrupt, "model.safetensors");
        File.WriteAllBytes(weights, File.ReadAllBytes(weights)[..64]);
        File.WriteAllBytes(Path.Combine(dir, "in.wav"), RawWav.Sine16(24000, 1, 4000, 440));
        await ExpectBadInput(["codec", "encode", Path.Combine(dir, "in.wav"), Path.Combine(dir, "z.safetensors"), "--model", corrupt], "model.safetensors");
        // Empty audio.
        File.WriteAllBytes(Path.Combine(dir, "empty.wav"), RawWav.Sine16(24000, 1, 0, 440));
        await ExpectBadInput(["codec", "resynth", Path.Combine(dir, "empty.wav"), Path.Combine(dir, "o.wav"), "--model", checkpoint], "no audio");
        // A branch diagnostic on a vocoder without a harmonic head.
        await ExpectBadInput(["codec", "resynth", Path.Combine(dir, "in.wav"), Path.Combine(dir, "o.wav"), "--model", checkpoint, "--branch", "harmonic"],
            "no harmonic head");
        // Training: a missing folder, and a folder without WAVs.
        await ExpectBadInput(TrainedTinyCodec.TrainArgs(Path.Combine(dir, "missing"), Path.Combine(dir, "r1"), 1), "not found");
        Directory.CreateDirectory(Path.Combine(dir, "no-wavs"));
        await ExpectBadInput(TrainedTinyCodec.TrainArgs(Path.Combine(dir, "no-wavs"), Path.Combine(dir, "r2"), 1), "no .wav files");
        await ExpectBadInput(["codec", "encode", Path.Combine(dir, "in.wav"), Path.Combine(dir, "z.safetensors"), "--model", Path.Combine(dir, "nope")], "not found");
        await ExpectBadInput(["codec", "train", "--data", dir, "--out", Path.Combine(dir, "r3"), "--batch", "0"], "--batch");
    }

    [Fact]
    public async Task BenchReportsPerFrameTimes()
    {
        var r = await CliHarness.RunAsync("codec", "bench", "--preset", "tiny", "--frames", "3", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.True(doc.RootElement.GetProperty("encoder_ms").GetDouble() > 0);
        Assert.True(doc.RootElement.GetProperty("vocoder_ms").GetDouble() > 0);
        Assert.Equal(3, doc.RootElement.GetProperty("frames").GetInt32());
    }

    static async Task ExpectBadInput(string[] args, string fragment)
    {
        var r = await CliHarness.RunAsync(args);
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode} for {string.Join(' ', args)}: {r.Stderr}");
        Assert.Contains(fragment, r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);   // no stack trace
    }

    static void CopyDirectory(string from, string to)
    {
        foreach (string dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(dir.Replace(from, to));
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, file.Replace(from, to));
    }
}
