// Runs an external program to completion: arguments as a list (no shell, so no quoting bugs),
// optional stdin text, stdout and stderr captured, killed (with its children) on cancellation or
// timeout so a stuck engine can never hang a run.
using System.Diagnostics;

namespace Michi.Data.Synthesis;

public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr);

public static class ProcessRunner
{
    /// <summary>Whether <paramref name="program"/> is an executable file on PATH (or a path to one).</summary>
    public static bool OnPath(string program)
    {
        if (program.Contains('/')) return File.Exists(program);
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists(Path.Combine(dir, program))) return true;
        return false;
    }

    public static async Task<ProcessResult> RunAsync(string program, IEnumerable<string> arguments, string? stdin = null,
                                                     TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardInput = stdin != null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync(limit.Token);
            Task<string> stderr = process.StandardError.ReadToEndAsync(limit.Token);
            if (stdin != null)
            {
                await process.StandardInput.WriteAsync(stdin.AsMemory(), limit.Token);
                process.StandardInput.Close();
            }
            await process.WaitForExitAsync(limit.Token);
            return new ProcessResult(process.ExitCode, await stdout, await stderr);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { /* already exited */ }
            ct.ThrowIfCancellationRequested();
            throw new TimeoutException($"{program} did not finish within {(timeout ?? TimeSpan.FromMinutes(2)).TotalSeconds:0} s");
        }
    }
}
