// `michi data prepare`: the real CLI process is killed (SIGKILL, as kill -9) in the middle of a
// run and started again; the output folder must end byte for byte as an uninterrupted run
// leaves it. Also the command's own behaviour in-process: summary, per-file failures on stderr
// with exit 0, and config errors as one line with exit 2.
using System.Diagnostics;
using Michi.Audio;

namespace Michi.Cli.Tests;

public class DataPrepareCommandTests
{
    /// <summary>Files of tone bursts ("words") with transcripts, at 16 kHz so every file is resampled; plus one corrupt file.</summary>
    static string Corpus(string root, int files)
    {
        string corpus = Path.Combine(root, "corpus");
        for (int i = 0; i < files; i++)
        {
            string dir = Path.Combine(corpus, $"spk{i % 3}");
            Directory.CreateDirectory(dir);
            int words = 2 + i % 4;
            var x = new float[16000 * (words + 1)];
            for (int w = 0; w < words; w++)
                for (int t = 0; t < 8000; t++)
                    x[16000 * w + 8000 + t] = (float)(0.3 * Math.Sin(2 * Math.PI * (180 + 20 * w + i) * t / 16000.0));
            WavFile.Write(Path.Combine(dir, $"u{i:D3}.wav"), x, 16000);
            File.WriteAllText(Path.Combine(dir, $"u{i:D3}.txt"), string.Join(' ', Enumerable.Range(0, words).Select(w => new[] { "one", "two", "three", "four", "five" }[w])));
        }
        File.WriteAllText(Path.Combine(corpus, "broken.wav"), "not audio");
        File.WriteAllText(Path.Combine(corpus, "broken.txt"), "words");
        return corpus;
    }

    static string Config(string root, string corpus, string output, string aligner = "pocketsphinx")
    {
        string path = Path.Combine(root, $"{output}.json");
        File.WriteAllText(path, $$"""
            {"output": "{{output}}", "aligner": "{{aligner}}", "segment_max_seconds": 3,
             "sources": [{"type": "folder", "path": "{{Path.GetRelativePath(root, corpus)}}"}]}
            """);
        return path;
    }

    static Process Start(string config)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "michi.dll"), "data", "prepare", "--config", config, "--workers", "2" })
            info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    static int JournalLines(string output)
    {
        try { return File.ReadAllText(Path.Combine(output, "journal.jsonl")).Count(c => c == '\n'); }
        catch (IOException) { return 0; }
    }

    static SortedDictionary<string, string> Hashes(string dir) =>
        new(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(
            f => Path.GetRelativePath(dir, f), f => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))), StringComparer.Ordinal);

    [Fact]
    public async Task ResumesAfterKillWithIdenticalOutput()
    {
        string root = CliHarness.TempDir();
        string corpus = Corpus(root, 16);

        using (var whole = Start(Config(root, corpus, "whole")))
        {
            await whole.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
            Assert.Equal(0, whole.ExitCode);
        }

        string killedConfig = Config(root, corpus, "killed"), killed = Path.Combine(root, "killed");
        using (var first = Start(killedConfig))
        {
            var clock = Stopwatch.StartNew();
            while (JournalLines(killed) < 4 && !first.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2)) await Task.Delay(5);
            Assert.False(first.HasExited, "the run finished before it could be killed");
            first.Kill();   // SIGKILL: no cleanup, no finally blocks
            await first.WaitForExitAsync();
        }
        Assert.False(File.Exists(Path.Combine(killed, "manifest.json")));
        int journalled = JournalLines(killed);
        Assert.InRange(journalled, 4, 15);

        using (var again = Start(killedConfig))
        {
            await again.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
            Assert.Equal(0, again.ExitCode);
        }
        var expected = Hashes(Path.Combine(root, "whole"));
        Assert.Contains("manifest.json", expected.Keys);
        Assert.DoesNotContain("journal.jsonl", expected.Keys);
        Assert.True(expected.Keys.Count(k => k.StartsWith("speech", StringComparison.Ordinal)) >= 2 * 16);
        Assert.Equal(expected, Hashes(killed));
        string manifest = File.ReadAllText(Path.Combine(killed, "manifest.json"));
        Assert.Contains("corpus/broken.wav", manifest.Replace('\\', '/'));
    }

    [Fact]
    public async Task ReportsFailuresPerFileAndExitsZero()
    {
        string root = CliHarness.TempDir();
        string corpus = Corpus(root, 2);
        string config = Config(root, corpus, "out", aligner: "energy");

        var result = await CliHarness.RunAsync("data", "prepare", "--config", config, "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("michi: skipped folder/broken.wav: ", result.Stderr);
        using var json = System.Text.Json.JsonDocument.Parse(result.Stdout);
        Assert.Equal(3, json.RootElement.GetProperty("inputs").GetInt32());
        Assert.Equal(2, json.RootElement.GetProperty("prepared").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("failed").GetInt32());
        Assert.True(File.Exists(Path.Combine(root, "out", "speech", "folder-spk0_u000.json")));

        var again = await CliHarness.RunAsync("data", "prepare", "--config", config);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("0 prepared, 2 already done, 1 failed", again.Stdout);
    }

    [Fact]
    public async Task ConfigErrorsExitTwoWithOneLine()
    {
        string root = CliHarness.TempDir();
        string config = Path.Combine(root, "bad.json");
        File.WriteAllText(config, """{"output": "out", "sources": [{"type": "wav", "path": "."}]}""");

        var result = await CliHarness.RunAsync("data", "prepare", "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"michi: {config}: sources[0].type: must be one of synthetic, libritts, ljspeech, folder (got \"wav\")", result.Stderr.Trim());
        var missing = await CliHarness.RunAsync("data", "prepare", "--config", Path.Combine(root, "none.json"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("none.json: file not found", missing.Stderr);
    }
}
