using System.Text.Json;

namespace Michi.Cli.Tests;

public class DataCommandTests
{
    [Fact]
    public async Task HelpListsTheDataCommands()
    {
        var r = await CliHarness.RunAsync("data", "--help");
        Assert.Equal(0, r.ExitCode);
        foreach (string sub in new[] { "voices", "synth", "frames", "timing-report" })
            Assert.Contains(sub, r.Stdout);
    }

    [Fact]
    public async Task VoicesJsonListsEnginesAndDefaults()
    {
        var r = await CliHarness.RunAsync("data", "voices", "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var engines = doc.RootElement.GetProperty("engines").EnumerateArray().ToList();
        Assert.Contains(engines, e => e.GetProperty("name").GetString() == "flite" && e.GetProperty("available").GetBoolean());
        Assert.True(doc.RootElement.GetProperty("default_voices").GetArrayLength() > 0);
    }

    [Fact]
    public async Task SynthWritesResumesAndFramesReadsTheResult()
    {
        string dir = CliHarness.TempDir(), text = Path.Combine(dir, "lines.txt"), outDir = Path.Combine(dir, "out");
        File.WriteAllText(text, "Hello there, world.\n\n  The   second line.\n");
        var r = await CliHarness.RunAsync("data", "synth", "--text", text, "--voices", "flite:slt", "--out", outDir, "--seed", "3");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("2 utterances", r.Stdout);
        Assert.True(File.Exists(Path.Combine(outDir, "000001.wav")));
        using (var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "000001.json"))))
            Assert.Equal("The second line.", doc.RootElement.GetProperty("text").GetString()); // whitespace normalised

        var again = await CliHarness.RunAsync("data", "synth", "--text", text, "--voices", "flite:slt", "--out", outDir, "--seed", "3");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("2 already complete", again.Stdout);

        var frames = await CliHarness.RunAsync("data", "frames", Path.Combine(outDir, "000000.json"));
        Assert.Equal(0, frames.ExitCode);
        Assert.Contains("Hello", frames.Stdout);
        Assert.Contains("frame", frames.Stdout);
        var json = await CliHarness.RunAsync("data", "frames", Path.Combine(outDir, "000000.json"), "--json", "--frame-ms", "40");
        using var f = JsonDocument.Parse(json.Stdout);
        Assert.Equal(0.04, f.RootElement.GetProperty("frame_seconds").GetDouble(), 9);
        Assert.Equal(3, f.RootElement.GetProperty("tokens").EnumerateArray().Count(t => t.GetInt32() != 0));
    }

    [Theory]
    [InlineData("--corpus", "x")]                 // both --text and --corpus
    [InlineData("--voices", "nosuchengine:x")]
    [InlineData("--voices", "flite:nosuchvoice")]
    [InlineData("--workers", "0")]
    public async Task BadSynthArgumentsExitTwo(string option, string value)
    {
        string dir = CliHarness.TempDir(), text = Path.Combine(dir, "t.txt");
        File.WriteAllText(text, "hi\n");
        var r = await CliHarness.RunAsync("data", "synth", "--text", text, "--out", Path.Combine(dir, "o"), option, value);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("michi: ", r.Stderr);
    }

    [Fact]
    public async Task MissingOrBadFilesExitTwoWithOneLine()
    {
        string dir = CliHarness.TempDir();
        var r = await CliHarness.RunAsync("data", "synth", "--text", Path.Combine(dir, "none.txt"), "--out", dir);
        Assert.Equal(2, r.ExitCode);
        string bad = Path.Combine(dir, "bad.json");
        File.WriteAllText(bad, "{\"name\": 3");
        var f = await CliHarness.RunAsync("data", "frames", bad);
        Assert.Equal(2, f.ExitCode);
        Assert.Single(f.Stderr.Trim().Split('\n'));
        Assert.Contains("bad.json", f.Stderr);
    }
}
