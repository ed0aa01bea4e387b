// `michi say`, `michi continue` and `michi bench ttfa` on a tiny random speech model directory
// (the tiny-llama fixture backbone with its tokenizer, random heads and Tiny codec): WAVs of the
// expected length, the --json report, and one-line refusals (exit 2) of bad input.
using System.Text.Json;
using System.Text.Json.Nodes;
using Michi.Audio;
using Michi.Model.Backbone;
using Michi.Model.Codec;
using Michi.Model.Speech;
using TorchSharp;

namespace Michi.Cli.Tests;

/// <summary>A tiny speech model directory, built once for these tests.</summary>
public sealed class TinySpeechDirectory : IDisposable
{
    public TinySpeechDirectory()
    {
        Root = CliHarness.TempDir();
        Model = Path.Combine(Root, "model");
        string fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "tiny-llama");
        torch.manual_seed(31);
        var hf = HfModelDirectory.Load(fixture);
        var lm = new SpeechLm(SpeechLmConfig.Tiny with { Backbone = hf.Config }, hf.Model);
        using (torch.no_grad())
            foreach (var p in lm.Heads.parameters())
                p.add_(torch.randn(p.shape) * 0.05);
        using (var directory = new SpeechLmDirectory(lm, fixture, new AudioCodec(CodecConfig.Tiny)))
            directory.Save(Model);
        Tone = WriteWav("tone.wav", 1.5, 16000, 0.3);
    }

    public string Root { get; }
    public string Model { get; }
    public string Tone { get; }

    public string WriteWav(string name, double seconds, int rate, double amplitude)
    {
        string path = Path.Combine(Root, name);
        var samples = Enumerable.Range(0, (int)(seconds * rate)).Select(i => (float)(amplitude * Math.Sin(2 * Math.PI * 220 * i / rate))).ToArray();
        WavFile.Write(path, samples, rate);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

public class SayCommandTests(TinySpeechDirectory tiny) : IClassFixture<TinySpeechDirectory>
{
    private static JsonNode Json(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.Stderr);
        return JsonNode.Parse(result.Stdout)!;
    }

    [Fact]
    public async Task SayWritesTheSpokenTextAsAWavAndReportsIt()
    {
        string wav = Path.Combine(tiny.Root, "say.wav");
        var json = Json(await CliHarness.RunAsync("say", "hello big world", "--model", tiny.Model, "--out", wav, "--seed", "3", "--json"));
        Assert.Equal("hello big world", json["text"]!.GetValue<string>());
        var words = json["words"]!.AsArray();
        Assert.Equal(["hello", "big", "world"], words.Select(w => w!["word"]!.GetValue<string>()));
        var starts = words.Select(w => w!["start_s"]!.GetValue<double>()).ToArray();
        Assert.Equal(starts.Order(), starts);
        int frames = json["frames"]!.GetValue<int>();
        var info = WavFile.ReadInfo(wav);
        Assert.Equal((24000, 1, frames * 1920L), (info.SampleRate, info.Channels, info.Frames));
        Assert.True(json["ttfa_ms"]!.GetValue<double>() > 0);
        Assert.True(json["rtf"]!.GetValue<double>() > 0);
        Assert.Equal(3, json["seed"]!.GetValue<long>());
        Assert.Empty(Directory.GetFiles(tiny.Root, "*.tmp"));

        // The same seed gives the same file; continuing adds audio.
        string again = Path.Combine(tiny.Root, "say-again.wav");
        Json(await CliHarness.RunAsync("say", "hello big world", "--model", tiny.Model, "--out", again, "--seed", "3", "--json"));
        Assert.Equal(File.ReadAllBytes(wav), File.ReadAllBytes(again));
        var longer = Json(await CliHarness.RunAsync("say", "hello big world", "--model", tiny.Model, "--out", again, "--seed", "3",
            "--continue-seconds", "2", "--json"));
        Assert.True(longer["frames"]!.GetValue<int>() > frames || longer["stop_reason"]!.GetValue<string>() == "end_of_turn");
    }

    [Fact]
    public async Task SayWithAVoiceAndContextRuns()
    {
        string context = Path.Combine(tiny.Root, "context.txt");
        File.WriteAllText(context, "Retrieved: foxes are quick and brown.");
        string wav = Path.Combine(tiny.Root, "voice.wav");
        var json = Json(await CliHarness.RunAsync("say", "a quick fox", "--model", tiny.Model, "--out", wav, "--voice", tiny.Tone,
            "--voice-text", "a tone", "--context", context, "--seed", "4", "--json"));
        Assert.Equal(" a quick fox", json["text"]!.GetValue<string>());   // after the voice's transcript: a new word
        Assert.Equal(json["frames"]!.GetValue<int>() * 1920L, WavFile.ReadInfo(wav).Frames);
    }

    [Fact]
    public async Task ContinueWritesExactlyTheAskedSeconds()
    {
        string wav = Path.Combine(tiny.Root, "continued.wav");
        var json = Json(await CliHarness.RunAsync("continue", "--prompt-audio", tiny.Tone, "--seconds", "0.8", "--out", wav,
            "--model", tiny.Model, "--seed", "5", "--json"));
        Assert.Equal(10, json["frames"]!.GetValue<int>());
        Assert.Equal(10 * 1920L, WavFile.ReadInfo(wav).Frames);
        Json(await CliHarness.RunAsync("continue", "--prompt-audio", tiny.Tone, "--seconds", "0.8", "--out", wav,
            "--model", tiny.Model, "--include-prompt", "--json"));
        Assert.Equal(36000 + 10 * 1920L, WavFile.ReadInfo(wav).Frames);   // 1.5 s at 24 kHz, then the continuation
    }

    [Fact]
    public async Task BenchTtfaReportsTheFigures()
    {
        var json = Json(await CliHarness.RunAsync("bench", "ttfa", "--preset", "tiny", "--runs", "2", "--warmup", "1", "--frames", "3", "--json"));
        foreach (string name in new[] { "ttfa_ms", "first_chunk_ms", "step_ms", "backbone_ms", "speak_head_ms", "vocoder_ms", "rtf", "cpu_ms_per_frame" })
            Assert.True(json[name]!.GetValue<double>() > 0, name);
        Assert.Equal(1, json["threads"]!.GetValue<int>());
        Assert.Equal(20, json["prompt_tokens"]!.GetValue<int>());
        Assert.Contains(json["ttfa_basis"]!.GetValue<string>(), new[] { "first_audible_chunk", "first_chunk" });
        var fromDirectory = Json(await CliHarness.RunAsync("bench", "ttfa", "--model", tiny.Model, "--runs", "1", "--warmup", "0", "--frames", "2", "--flow-steps", "2", "--json"));
        Assert.True(fromDirectory["step_ms"]!.GetValue<double>() > 0);
        Assert.Equal(2, fromDirectory["flow_steps"]!.GetValue<int>());
        Assert.Equal(json["flow_steps"]!.GetValue<int>(), SpeechLmConfig.Tiny.FlowSteps);   // the model's default without the option
    }

    [Fact]
    public async Task BadInputIsRefusedWithOneLine()
    {
        string wav = Path.Combine(tiny.Root, "bad.wav");
        string silent = tiny.WriteWav("silent.wav", 2, 24000, 0);
        string shortWav = tiny.WriteWav("short.wav", 0.5, 24000, 0.3);
        string mismatched = Path.Combine(tiny.Root, "mismatched");
        CopyDirectory(tiny.Model, mismatched);
        string codecConfig = Path.Combine(mismatched, "codec", "config.json");
        var node = JsonNode.Parse(File.ReadAllText(codecConfig))!;
        node["latent_dim"] = 16;
        File.WriteAllText(codecConfig, node.ToJsonString());

        (string[] Args, string Expected)[] cases =
        [
            (["say", "hello", "--out", wav], "no model at models/demo; pass --model"),
            (["say", string.Join(" ", Enumerable.Repeat("word", 40)), "--model", tiny.Model, "--out", wav, "--max-seconds", "0.8"], "tokens"),
            (["say", "hello", "--model", tiny.Model, "--out", wav, "--voice", silent], "silent"),
            (["say", "hello", "--model", tiny.Model, "--out", wav, "--voice", shortWav], "at least 1 s"),
            (["say", "hello", "--model", tiny.Model, "--out", wav, "--voice-text", "hi"], "--voice-text needs --voice"),
            (["say", "  ", "--model", tiny.Model, "--out", wav], "empty"),
            (["say", "hello", "--model", mismatched, "--out", wav], "latent_dim"),
            (["say", "hello", "--model", tiny.Model, "--out", wav, "--context", Path.Combine(tiny.Root, "missing.txt")], "missing.txt"),
            (["continue", "--prompt-audio", silent, "--seconds", "1", "--out", wav, "--model", tiny.Model], "silent"),
            (["continue", "--prompt-audio", tiny.Tone, "--seconds", "0", "--out", wav, "--model", tiny.Model], "--seconds"),
            (["bench", "ttfa", "--preset", "tiny", "--model", tiny.Model], "not both"),
            (["bench", "ttfa", "--preset", "huge"], "huge"),
            (["bench", "ttfa"], "no model at models/demo; pass --model, or --preset"),
        ];
        foreach (var (args, expected) in cases)
        {
            var result = await CliHarness.RunAsync(args);
            Assert.True(result.ExitCode == 2, $"{string.Join(' ', args)} → {result.ExitCode}: {result.Stderr}");
            Assert.StartsWith("michi: ", result.Stderr);
            Assert.Contains(expected, result.Stderr);
            Assert.DoesNotContain("   at ", result.Stderr);
        }
        Assert.False(File.Exists(wav));
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
