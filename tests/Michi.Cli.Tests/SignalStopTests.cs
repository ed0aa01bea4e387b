// Graceful stop (SignalCancellation): the real `michi codec train` process gets SIGTERM or SIGINT
// (sent with /bin/kill, as a user or a job scheduler would; Process.Kill sends SIGKILL) after its first
// progress line past step 0. It must exit with 130 promptly, leave a checkpoint at or past the step it reported,
// and `--resume` must continue from exactly that checkpoint.
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Michi.Cli.Tests;

public partial class SignalStopTests
{
    [GeneratedRegex(@"^codec train: (\d+)/\d+")]
    private static partial Regex ProgressLine();

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task SignalStopsTrainingWithACheckpointThatResumes(string signal)
    {
        string root = CliHarness.TempDir();
        string data = Path.Combine(root, "data"), run = Path.Combine(root, "run");
        Directory.CreateDirectory(data);
        for (int i = 0; i < 2; i++)
            File.WriteAllBytes(Path.Combine(data, $"s{i}.wav"), RawWav.Sine16(24000, 1, 24000, 220 + 200 * i));

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "michi.dll"));
        foreach (string a in TrainedTinyCodec.TrainArgs(data, run, 1_000_000, "--checkpoint-every", "1000000", "--validate-every", "1000000"))
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stderr = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var firstProgress = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        long lastReported = 0;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            stderr.Enqueue(e.Data);
            // Step 0 (the first validation) has nothing to save yet: wait for a trained step.
            if (ProgressLine().Match(e.Data) is { Success: true } m && m.Groups[1].Value != "0")
            {
                Interlocked.Exchange(ref lastReported, long.Parse(m.Groups[1].Value));
                firstProgress.TrySetResult(lastReported);
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            await firstProgress.Task.WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            process.Kill();
            Assert.Fail("no progress line: " + string.Join('\n', stderr));
        }

        using (var kill = Process.Start("/bin/kill", ["-" + signal, process.Id.ToString()]))
            await kill.WaitForExitAsync();
        var clock = Stopwatch.StartNew();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            process.Kill();
            Assert.Fail($"still running 60 s after SIG{signal}: " + string.Join('\n', stderr));
        }
        process.WaitForExit();   // drains the redirected streams
        string log = string.Join('\n', stderr);
        Assert.True(process.ExitCode == 130, $"exit {process.ExitCode} after {clock.Elapsed.TotalSeconds:0.0} s: {log}");
        Assert.Contains($"michi: SIG{signal}: stopping", log);
        Assert.Contains("michi: cancelled", log);

        long saved;
        using (var latest = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "checkpoints", "latest.json"))))
            saved = latest.RootElement.GetProperty("step").GetInt64();
        Assert.True(saved >= Interlocked.Read(ref lastReported), $"checkpoint at step {saved}, progress had reached {lastReported}");
        Assert.True(File.Exists(Path.Combine(run, "checkpoints", $"step-{saved:D8}", "model.safetensors")));

        var resumed = await CliHarness.RunAsync("codec", "train", "--data", data, "--out", run, "--steps", (saved + 1).ToString(), "--resume", "--json");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Contains($"resumed at step {saved}", resumed.Stderr);
        using (var doc = JsonDocument.Parse(resumed.Stdout)) Assert.Equal(saved + 1, doc.RootElement.GetProperty("step").GetInt64());
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }
}
