// `michi eval speech` on the tiny random speech model (TinySpeechDirectory), two sentences, one
// flite reference voice and two flite clone voices: every output file is there, the TTS voice is
// heard far better than the random model (so the WER comparison can fail), the similarity check
// tells the two clone voices apart, the model's WAV is exactly what `say --seed` makes, and bad
// input (missing model, missing or empty sentences file, unknown or too few voices) is refused
// with one line and exit code 2 before any work is done.
using System.Text.Json;
using Michi.Audio;

namespace Michi.Cli.Tests;

public class EvalSpeechCommandTests(TinySpeechDirectory tiny) : IClassFixture<TinySpeechDirectory>
{
    static readonly string[] s_sentences = ["I would like a cup of coffee please.", "We will meet again next week."];

    string Sentences()
    {
        string path = Path.Combine(tiny.Root, "sentences.txt");
        File.WriteAllLines(path, ["", .. s_sentences, "   "]);
        return path;
    }

    [Fact]
    public async Task EvaluatesTheModelAgainstATtsVoiceAndWritesEverything()
    {
        string output = Path.Combine(tiny.Root, "eval");
        var r = await CliHarness.RunAsync("eval", "speech", "--model", tiny.Model, "--sentences", Sentences(), "--out", output,
            "--voices", "flite:slt", "--clone-voices", "flite:awb,flite:rms", "--seed", "3", "--max-seconds", "8", "--plot-samples", "2", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("eval speech:", r.Stderr);   // progress
        var s = JsonDocument.Parse(r.Stdout).RootElement;
        Assert.Equal(2, s.GetProperty("sentence_count").GetInt32());
        double tts = s.GetProperty("tts_wer").GetDouble(), model = s.GetProperty("model_wer").GetDouble();
        Assert.True(tts <= 0.35, $"flite slt heard with WER {tts}");
        Assert.True(model > tts + 0.4, $"a random model scored WER {model} against {tts} for the TTS voice");
        var ratio = s.GetProperty("wer_ratio");   // +∞ (a JSON string) when the TTS voice is heard perfectly
        if (tts > 0) Assert.Equal(model / tts, ratio.GetDouble(), 6);
        else Assert.Equal("Infinity", ratio.GetString());
        Assert.Equal(tts, s.GetProperty("tts_wer_by_voice").GetProperty("flite:slt").GetDouble());
        Assert.Equal(2, s.GetProperty("clone_voices").GetInt32());
        Assert.Equal(1.0, s.GetProperty("similarity_accuracy_clone_pool").GetDouble());   // awb and rms are far apart
        Assert.Equal(3, s.GetProperty("similarity_voices").GetInt32());
        Assert.InRange(s.GetProperty("clone_accuracy").GetDouble(), 0, 1);
        foreach (string name in new[] { "ttfa_ms", "rtf", "clone_ttfa_ms", "clone_rtf", "model_seconds" })
            Assert.True(s.GetProperty(name).GetDouble() > 0, name);

        foreach (string file in new[] { "model/001.wav", "model/002.wav", "tts/flite-slt/001.wav", "tts/flite-slt/002.wav",
                     "voices/flite-awb/prompt.wav", "voices/flite-rms/target.wav", "voices/flite-slt/prompt.wav", "clone/flite-awb.wav", "clone/flite-rms.wav" })
            Assert.Equal(24000, WavFile.ReadInfo(Path.Combine(output, file)).SampleRate);
        byte[] png = File.ReadAllBytes(Path.Combine(output, "spectrograms.png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.Empty(Directory.GetFiles(output, "*.tmp*", SearchOption.AllDirectories));

        var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "results.json"))).RootElement;
        Assert.Equal(2, results.GetProperty("model").GetArrayLength());
        Assert.Equal(s_sentences[1], results.GetProperty("model")[1].GetProperty("text").GetString());
        var clone = results.GetProperty("clones")[0];
        Assert.Equal(2, clone.GetProperty("distances").EnumerateObject().Count());
        Assert.Equal(s.GetProperty("model_wer").GetDouble(), results.GetProperty("summary").GetProperty("model_wer").GetDouble());

        // The sentence WAV is what `say` makes with the same seed.
        string say = Path.Combine(tiny.Root, "eval-say.wav");
        var said = await CliHarness.RunAsync("say", s_sentences[0], "--model", tiny.Model, "--out", say, "--seed", "3", "--max-seconds", "8", "--threads", "1");
        Assert.True(said.ExitCode == 0, said.Stderr);
        Assert.Equal(File.ReadAllBytes(say), File.ReadAllBytes(Path.Combine(output, "model", "001.wav")));

        // Text output: the table.
        var text = await CliHarness.RunAsync("eval", "speech", "--model", tiny.Model, "--sentences", Sentences(), "--out", output,
            "--voices", "flite:slt", "--clone-voices", "none", "--max-seconds", "8", "--plot-samples", "0");
        Assert.True(text.ExitCode == 0, text.Stderr);
        Assert.Contains("WER ratio model / TTS", text.Stdout);
        Assert.Contains("skipped", text.Stdout);
    }

    [Fact]
    public async Task RefusesBadInputWithOneLine()
    {
        string sentences = Sentences();
        string empty = Path.Combine(tiny.Root, "empty.txt");
        File.WriteAllText(empty, "\n  \n");
        string noWords = Path.Combine(tiny.Root, "nowords.txt");
        File.WriteAllText(noWords, "hello\n -- \n");
        string output = Path.Combine(tiny.Root, "refused");
        string missingModel = Path.Combine(tiny.Root, "no-such-model");
        (string[] Args, string Expected)[] cases =
        [
            (["--model", missingModel, "--sentences", sentences], "no-such-model"),
            (["--model", tiny.Model, "--sentences", Path.Combine(tiny.Root, "missing.txt")], "missing.txt: no such file"),
            (["--model", tiny.Model, "--sentences", empty], "empty.txt: no non-empty lines"),
            (["--model", tiny.Model, "--sentences", noWords], "line 2 has no words"),
            (["--model", tiny.Model, "--sentences", sentences, "--voices", "flite:nobody"], "--voices: flite has no voice 'nobody'"),
            (["--model", tiny.Model, "--sentences", sentences, "--voices", "flite:slt", "--clone-voices", "flite:awb,nosuch:x"], "--clone-voices: unknown engine 'nosuch'"),
            (["--model", tiny.Model, "--sentences", sentences, "--voices", "flite:slt", "--clone-voices", "flite:awb"], "--clone-voices: at least 2"),
        ];
        foreach (var (args, expected) in cases)
        {
            var r = await CliHarness.RunAsync(["eval", "speech", "--out", output, .. args]);
            Assert.True(r.ExitCode == 2, $"{string.Join(' ', args)}: exit {r.ExitCode}, {r.Stderr}");
            Assert.Contains(expected, r.Stderr);
            Assert.Single(r.Stderr.Trim().Split('\n'));
        }
        var range = await CliHarness.RunAsync("eval", "speech", "--out", output, "--model", tiny.Model, "--sentences", sentences, "--max-seconds", "0");
        Assert.Equal(2, range.ExitCode);
        Assert.Contains("--max-seconds", range.Stderr);
        Assert.False(Directory.Exists(output));
    }
}
