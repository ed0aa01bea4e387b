using System.Text.Json;

namespace Michi.Cli.Tests;

public class AudioCommandTests
{
    [Fact]
    public async Task HelpListsCommandsAndExitsZero()
    {
        var r = await CliHarness.RunAsync("--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("audio", r.Stdout);
        var sub = await CliHarness.RunAsync("audio", "convert", "--help");
        Assert.Equal(0, sub.ExitCode);
        Assert.Contains("--rate", sub.Stdout);
    }

    [Fact]
    public async Task InfoJsonReportsFormat()
    {
        string dir = CliHarness.TempDir(), path = Path.Combine(dir, "a.wav");
        File.WriteAllBytes(path, RawWav.Sine16(44100, 2, 4410, 440));
        var r = await CliHarness.RunAsync("audio", "info", path, "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.Equal(44100, root.GetProperty("sample_rate").GetInt32());
        Assert.Equal(2, root.GetProperty("channels").GetInt32());
        Assert.Equal(16, root.GetProperty("bits").GetInt32());
        Assert.Equal(4410, root.GetProperty("frames").GetInt64());
        Assert.Equal(0.1, root.GetProperty("duration_s").GetDouble(), 6);
        Assert.False(string.IsNullOrEmpty(root.GetProperty("format").GetString()));
    }

    [Fact]
    public async Task ConvertResamplesAndDownmixes()
    {
        string dir = CliHarness.TempDir(), src = Path.Combine(dir, "in.wav"), dst = Path.Combine(dir, "out.wav");
        File.WriteAllBytes(src, RawWav.Sine16(44100, 2, 44100, 1000));
        var r = await CliHarness.RunAsync("audio", "convert", src, dst);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var info = await CliHarness.RunAsync("audio", "info", dst, "--json");
        using var doc = JsonDocument.Parse(info.Stdout);
        Assert.Equal(24000, doc.RootElement.GetProperty("sample_rate").GetInt32());
        Assert.Equal(1, doc.RootElement.GetProperty("channels").GetInt32());
        Assert.Equal(24000, doc.RootElement.GetProperty("frames").GetInt64());

        var (samples, rate) = Michi.Audio.WavFile.ReadMono(dst);
        Assert.Equal(24000, rate);
        // The 1 kHz tone keeps its amplitude (16000/32768) through resampling.
        double rms = Math.Sqrt(samples.Skip(2400).Take(19200).Select(x => (double)x * x).Average());
        Assert.Equal(16000 / 32768.0 / Math.Sqrt(2), rms, 2);
    }

    [Fact]
    public async Task ConvertRefusesImpossibleChannelCount()
    {
        string dir = CliHarness.TempDir(), src = Path.Combine(dir, "in.wav");
        File.WriteAllBytes(src, RawWav.Sine16(16000, 2, 1600, 300));
        var r = await CliHarness.RunAsync("audio", "convert", src, Path.Combine(dir, "o.wav"), "--channels", "3");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("channel", r.Stderr);
        Assert.False(File.Exists(Path.Combine(dir, "o.wav")));
    }

    public static TheoryData<string, string> BadFiles => new()
    {
        { "truncated", "data" },
        { "claims4gb", "data" },
        { "zerochannels", "channel" },
        { "notriff", "RIFF" },
        { "missing", "no such file" },
        { "directory", "directory" },
        { "empty", "" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task BadFilesGiveOneLineAndExitTwo(string kind, string expectedWord)
    {
        string dir = CliHarness.TempDir(), path = Path.Combine(dir, kind + ".wav");
        byte[] good = RawWav.Sine16(24000, 1, 2400, 440);
        switch (kind)
        {
            case "truncated": File.WriteAllBytes(path, good[..(good.Length / 2)]); break;
            case "claims4gb": File.WriteAllBytes(path, RawWav.Riff(RawWav.Fmt(1, 1, 24000, 16), RawWav.Chunk("data", new byte[100], claimedSize: unchecked((int)0xFFFFFFF0)))); break;
            case "zerochannels": File.WriteAllBytes(path, RawWav.Riff(RawWav.Fmt(1, 0, 24000, 16), RawWav.Chunk("data", new byte[100]))); break;
            case "notriff": File.WriteAllText(path, "ID3 this is an mp3, not a wav file at all"); break;
            case "missing": break;
            case "directory": Directory.CreateDirectory(path); break;
            case "empty": File.WriteAllBytes(path, []); break;
        }
        foreach (var args in new[] { new[] { "audio", "info", path }, ["audio", "convert", path, Path.Combine(dir, "out.wav")] })
        {
            var r = await CliHarness.RunAsync(args);
            Assert.Equal(2, r.ExitCode);
            string line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains(path, line);
            Assert.Contains(expectedWord, line, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("   at ", r.Stderr);
            Assert.True(r.Elapsed < TimeSpan.FromSeconds(1), $"took {r.Elapsed}");
            Assert.False(File.Exists(Path.Combine(dir, "out.wav")));
        }
    }

    [Fact]
    public async Task ExistingOutputSurvivesAFailedConvert()
    {
        string dir = CliHarness.TempDir(), bad = Path.Combine(dir, "bad.wav"), dst = Path.Combine(dir, "keep.wav");
        File.WriteAllText(bad, "not audio");
        File.WriteAllText(dst, "precious");
        var r = await CliHarness.RunAsync("audio", "convert", bad, dst);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("precious", File.ReadAllText(dst));
    }

    [Theory]
    [InlineData("audio", "info")]
    [InlineData("audio", "convert", "a.wav")]
    [InlineData("audio", "info", "x.wav", "--bogus")]
    [InlineData("audio", "convert", "a.wav", "b.wav", "--rate", "abc")]
    [InlineData("audio", "convert", "a.wav", "b.wav", "--rate", "0")]
    [InlineData("no-such-command")]
    public async Task BadArgumentsExitTwo(params string[] args)
    {
        var r = await CliHarness.RunAsync(args);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("michi: ", r.Stderr);
    }
}
