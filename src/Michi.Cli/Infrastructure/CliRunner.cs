// Runs a parsed command line and maps failures to exit codes:
//   0 ok · 1 unexpected error (a bug: message + stack trace) · 2 bad input or arguments · 130 cancelled.
// Bad input (InvalidInputException, unreadable files, bad arguments) must give exactly one line on
// stderr naming the problem, never a stack trace, so scripts can rely on it.
using System.CommandLine;
using System.CommandLine.Invocation;

namespace Michi.Cli.Infrastructure;

public static class CliRunner
{
    public const int ExitOk = 0, ExitBug = 1, ExitBadInput = 2, ExitCancelled = 130;

    public static async Task<int> RunAsync(RootCommand root, string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
                stderr.WriteLine($"michi: {error.Message}");
            stderr.WriteLine("michi: run with --help for usage");
            return ExitBadInput;
        }

        using var cts = new CancellationTokenSource();
        // Only commands that can see the token (asynchronous actions) trade the signals' default
        // action for a graceful stop; a synchronous one would ignore the first signal.
        using var signals = parse.Action is AsynchronousCommandLineAction ? new SignalCancellation(cts, stderr) : null;
        try
        {
            // ProcessTerminationTimeout = null: System.CommandLine's own SIGINT/SIGTERM handling would
            // return from Main 2 s after the signal, killing a trainer while it writes its checkpoint.
            var config = new InvocationConfiguration
            {
                Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null,
            };
            return await parse.InvokeAsync(config, cts.Token);
        }
        catch (Exception e) when (BadInputMessage(e) is { } message)
        {
            stderr.WriteLine($"michi: {message}");
            return ExitBadInput;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("michi: cancelled");
            return ExitCancelled;
        }
        catch (Exception e) when (TorchLoadMessage(e) is { } message)
        {
            stderr.WriteLine($"michi: {message}");
            return ExitBug;
        }
    }

    /// <summary>The one-line message for an exception caused by the user's input, or null for a bug.</summary>
    public static string? BadInputMessage(Exception e) => e switch
    {
        InvalidInputException x => x.Message,
        FileNotFoundException x => $"{x.FileName ?? "file"}: no such file",
        DirectoryNotFoundException x => OneLine(x.Message),
        UnauthorizedAccessException x => OneLine(x.Message),
        PathTooLongException x => OneLine(x.Message),
        IOException x when x.GetType() == typeof(IOException) => OneLine(x.Message),
        AggregateException { InnerExceptions.Count: 1 } x => BadInputMessage(x.InnerException!),
        _ => null,
    };

    // LibTorch failing to load is a setup problem, not a bug in Michi: say how to fix it.
    static string? TorchLoadMessage(Exception e)
    {
        for (Exception? x = e; x != null; x = x.InnerException)
            if (x is DllNotFoundException or BadImageFormatException ||
                (x is TypeInitializationException t && t.TypeName?.StartsWith("TorchSharp", StringComparison.Ordinal) == true))
                return $"LibTorch could not be loaded ({OneLine(x.InnerException?.Message ?? x.Message)}); " +
                       "run scripts/setup.sh (it fixes TorchSharp on Debian 12 / Ubuntu 22.04), see docs/setup.md";
        return null;
    }

    static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();
}
