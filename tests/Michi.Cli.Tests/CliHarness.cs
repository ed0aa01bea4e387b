// Runs the `michi` command tree in-process with captured stdout/stderr, as a user would see it.
using System.Diagnostics;
using Michi.Cli.Infrastructure;

namespace Michi.Cli.Tests;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed);

public static class CliHarness
{
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var clock = Stopwatch.StartNew();
        // Force plain progress lines: tests never run on a terminal.
        int code = await CliRunner.RunAsync(Program.BuildCommandLine(), args, stdout, stderr);
        return new CliResult(code, stdout.ToString(), stderr.ToString(), clock.Elapsed);
    }

    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "michi-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
