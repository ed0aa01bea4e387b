using System.Text.Json;

namespace Michi.Cli.Tests;

public class DataDialoguesCommandTests
{
    static string TextFile(string dir)
    {
        string path = Path.Combine(dir, "lines.txt");
        File.WriteAllText(path, "Hello there, how are you?\nFine thanks, and you?\n\nQuite well, thank you very much.\nGood to hear that.\n");
        return path;
    }

    [Fact]
    public async Task WritesDialoguesWithARealEngineAndResumes()
    {
        string dir = CliHarness.TempDir(), outDir = Path.Combine(dir, "out");
        string[] args = ["data", "dialogues", "--text", TextFile(dir), "--voices", "flite:slt,flite:rms", "--count", "2", "--turns", "3",
                         "--out", outDir, "--seed", "1", "--interruption-ratio", "0.5", "--backchannel-rate", "10"];
        var r = await CliHarness.RunAsync(args);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("2 dialogues", r.Stdout);
        Assert.Contains("6 turns", r.Stdout);
        using (var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "000001.json"))))
        {
            var channels = doc.RootElement.GetProperty("channels");
            Assert.Equal("user", channels[0].GetProperty("role").GetString());
            Assert.Equal("assistant", channels[1].GetProperty("role").GetString());
            Assert.NotEqual(channels[0].GetProperty("voice").GetString(), channels[1].GetProperty("voice").GetString());
            Assert.True(doc.RootElement.GetProperty("events").GetArrayLength() >= 3);
        }
        var again = await CliHarness.RunAsync(args);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("2 already complete", again.Stdout);
    }

    [Theory]
    [InlineData("--overlap-ratio", "1.5")]
    [InlineData("--interruption-ratio", "-1")]
    [InlineData("--backchannel-rate", "-2")]
    [InlineData("--turns", "5-2")]
    [InlineData("--turns", "x")]
    [InlineData("--workers", "0")]
    [InlineData("--voices", "flite:slt")]            // one voice is not a dialogue
    [InlineData("--voices", "nosuchengine:x")]
    [InlineData("--hours", "1")]                     // both --count and --hours
    [InlineData("--corpus", "x")]                    // both --text and --corpus
    public async Task BadArgumentsGiveOneLineErrors(string option, string value)
    {
        string dir = CliHarness.TempDir();
        var r = await CliHarness.RunAsync("data", "dialogues", "--text", TextFile(dir), "--count", "1", "--out", Path.Combine(dir, "o"), option, value);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("michi: ", r.Stderr);
        // One line of problem (parse errors add the usual "run with --help" hint).
        Assert.Single(r.Stderr.Trim().Split('\n'), l => !l.Contains("--help"));
    }

    [Fact]
    public async Task MissingTextFileIsAnError()
    {
        string dir = CliHarness.TempDir();
        var r = await CliHarness.RunAsync("data", "dialogues", "--text", Path.Combine(dir, "none.txt"), "--count", "1", "--out", dir);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("none.txt", r.Stderr);
    }
}
