// `michi eval codec` on a tiny random codec and two flite sentences: the originals must be heard
// nearly right and the random codec's noise must not, the choice of files must be seeded, --out
// must hold the resyntheses and results.json; bad input (missing model, empty or missing data
// folder, a record without text, --out over --data) is refused with one line and exit code 2.
using System.Text.Json;
using Michi.Audio;
using Michi.Data.Synthesis;
using Michi.Model.Codec;
using TorchSharp;

namespace Michi.Cli.Tests;

/// <summary>A tiny random codec directory and a folder of three short utterances (flite slt).</summary>
public sealed class EvalCodecFixture : IDisposable
{
    public static readonly string[] Sentences = ["I would like a cup of coffee please.", "We will meet again next week.", "Please call me tomorrow."];

    public EvalCodecFixture()
    {
        Root = CliHarness.TempDir();
        Model = Path.Combine(Root, "codec");
        torch.manual_seed(5);
        using (var codec = new AudioCodec(CodecConfig.Tiny)) codec.Save(Model);
        Data = Path.Combine(Root, "data");
        Directory.CreateDirectory(Data);
        var flite = VoiceCatalog.Installed().Engines.Single(e => e.Name == "flite");
        for (int i = 0; i < Sentences.Length; i++)
        {
            var speech = flite.SynthesizeAsync(Sentences[i], "slt", 1.0, 1.0).GetAwaiter().GetResult();
            WavFile.Write(Path.Combine(Data, $"u{i}.wav"), speech.Samples24k, SynthResult.SampleRate);
            File.WriteAllText(Path.Combine(Data, $"u{i}.json"), JsonSerializer.Serialize(new { name = $"u{i}", text = Sentences[i], voice = "flite:slt" }));
        }
    }

    public string Root { get; }
    public string Model { get; }
    public string Data { get; }

    /// <summary>A fresh folder holding copies of the first <paramref name="count"/> utterances.</summary>
    public string CopyData(int count)
    {
        string dir = Path.Combine(Root, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        for (int i = 0; i < count; i++)
            foreach (string ext in new[] { ".wav", ".json" })
                File.Copy(Path.Combine(Data, $"u{i}{ext}"), Path.Combine(dir, $"u{i}{ext}"));
        return dir;
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

public class EvalCodecCommandTests(EvalCodecFixture fx) : IClassFixture<EvalCodecFixture>
{
    [Fact]
    public async Task ScoresOriginalsAgainstResynthesisAndWritesResults()
    {
        string output = Path.Combine(fx.Root, "out");
        var r = await CliHarness.RunAsync("eval", "codec", "--model", fx.Model, "--data", fx.Data, "--files", "2", "--seed", "3", "--out", output, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("eval codec: 2/2", r.Stderr);   // progress
        using var summary = JsonDocument.Parse(r.Stdout);
        var s = summary.RootElement;
        Assert.Equal(2, s.GetProperty("files").GetInt32());
        double original = s.GetProperty("wer_original").GetDouble(), resynth = s.GetProperty("wer_resynth").GetDouble();
        Assert.True(original <= 0.25, $"originals: WER {original}");
        Assert.True(resynth > original + 0.3, $"a random codec scored WER {resynth} against {original} for the originals");
        Assert.True(s.GetProperty("mel_l1").GetDouble() > 0);
        Assert.False(s.TryGetProperty("step", out _));   // a bare model directory has no training progress

        using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "results.json")));
        var files = results.RootElement.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(2, files.Count);
        var names = files.Select(f => f.GetProperty("name").GetString()!).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        foreach (string name in names)
        {
            var (resynthesised, rate) = WavFile.ReadMono(Path.Combine(output, name + ".wav"));
            Assert.Equal(24000, rate);
            Assert.Equal(WavFile.ReadMono(Path.Combine(fx.Data, name + ".wav")).Samples.Length, resynthesised.Length);
        }

        // Same folder, count and seed: the same files (the same words scored), here as text output.
        var again = await CliHarness.RunAsync("eval", "codec", "--model", fx.Model, "--data", fx.Data, "--files", "2", "--seed", "3");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains($"{s.GetProperty("reference_words").GetInt32()} words)", again.Stdout);
        Assert.Contains("WER resynth:", again.Stdout);
    }

    [Fact]
    public async Task RefusesBadInput()
    {
        string missing = Path.Combine(fx.Root, "no-such-model");
        var noModel = await CliHarness.RunAsync("eval", "codec", "--model", missing, "--data", fx.Data);
        Assert.Equal(2, noModel.ExitCode);
        Assert.Contains($"michi: {missing}: codec model directory not found", noModel.Stderr);

        string empty = Path.Combine(fx.Root, "empty");
        Directory.CreateDirectory(empty);
        File.WriteAllText(Path.Combine(empty, "orphan.json"), "{\"text\": \"no audio beside me\"}");
        var noData = await CliHarness.RunAsync("eval", "codec", "--model", fx.Model, "--data", empty);
        Assert.Equal(2, noData.ExitCode);
        Assert.Contains("holds no utterances", noData.Stderr);

        var noFolder = await CliHarness.RunAsync("eval", "codec", "--model", fx.Model, "--data", Path.Combine(fx.Root, "nowhere"));
        Assert.Equal(2, noFolder.ExitCode);
        Assert.Contains("data folder not found", noFolder.Stderr);

        string bad = fx.CopyData(1);
        File.WriteAllText(Path.Combine(bad, "u0.json"), "{\"name\": \"u0\", \"voice\": \"flite:slt\"}");
        var noText = await CliHarness.RunAsync("eval", "codec", "--model", fx.Model, "--data", bad);
        Assert.Equal(2, noText.ExitCode);
        Assert.Contains($"{Path.Combine(bad, "u0.json")}: has no \"text\"", noText.Stderr);
        Assert.Single(noText.Stderr.Trim().Split('\n'));

        File.WriteAllText(Path.Combine(bad, "u0.json"), "{\"text\": \" -- \"}");
        var noWords = await CliHarness.RunAsync("eval", "codec", "--model", fx.Model, "--data", bad);
        Assert.Equal(2, noWords.ExitCode);
        Assert.Contains("no words", noWords.Stderr);

        File.WriteAllText(Path.Combine(bad, "u0.json"), "[1, 2");
        var broken = await CliHarness.RunAsync("eval", "codec", "--model", fx.Model, "--data", bad);
        Assert.Equal(2, broken.ExitCode);
        Assert.Contains("invalid utterance record JSON", broken.Stderr);

        var over = await CliHarness.RunAsync("eval", "codec", "--model", fx.Model, "--data", fx.Data, "--out", fx.Data);
        Assert.Equal(2, over.ExitCode);
        Assert.Contains("--out must differ from --data", over.Stderr);

        var zero = await CliHarness.RunAsync("eval", "codec", "--model", fx.Model, "--data", fx.Data, "--files", "0");
        Assert.Equal(2, zero.ExitCode);
    }
}
