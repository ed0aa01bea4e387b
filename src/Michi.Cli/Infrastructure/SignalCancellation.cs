// Graceful stop for long commands: the first SIGTERM, SIGINT (Ctrl-C) or SIGHUP cancels the token the
// command runs with, so a trainer finishes its step and writes a checkpoint (CodecTrainer.Run,
// StepTrainer) and the CLI exits with 130; a second signal takes the signal's default action and ends
// the process at once. Why our own handler: System.CommandLine 2.0 registers SIGINT/SIGTERM itself but
// gives the command only InvocationConfiguration.ProcessTerminationTimeout (2 s by default) before
// returning from Main, which killed `codec train` mid-save; CliRunner turns that timeout off.
// Reference: System.Runtime.InteropServices.PosixSignalRegistration (.NET 6+). Limit: a signal the
// parent set to "ignore" stays ignored (.NET respects SIG_IGN), e.g. SIGINT for `cmd &` started from
// a script, so stop background runs with SIGTERM.
using System.Runtime.InteropServices;

namespace Michi.Cli.Infrastructure;

public sealed class SignalCancellation : IDisposable
{
    static readonly PosixSignal[] Signals = [PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGHUP];

    readonly CancellationTokenSource _cts;
    readonly TextWriter _stderr;
    readonly List<PosixSignalRegistration> _registrations = [];
    int _received;

    /// <summary>Cancels <paramref name="cts"/> on the first of SIGTERM/SIGINT/SIGHUP until disposed.</summary>
    public SignalCancellation(CancellationTokenSource cts, TextWriter stderr)
    {
        _cts = cts;
        _stderr = stderr;
        if (OperatingSystem.IsBrowser() || OperatingSystem.IsIOS() || OperatingSystem.IsTvOS() || OperatingSystem.IsAndroid()) return;
        foreach (var signal in Signals)
        {
            try { _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal)); }
            catch (PlatformNotSupportedException) { }   // SIGHUP on Windows: Ctrl-C and Ctrl-Break still work there
        }
    }

    /// <summary>How many of the signals arrived so far (tests).</summary>
    public int Received => Volatile.Read(ref _received);

    void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _received) > 1)
        {
            _stderr.WriteLine($"michi: {Name(context.Signal)} again: stopping now");
            _stderr.Flush();
            context.Cancel = false;   // the signal's default action: the process ends without saving
            return;
        }
        context.Cancel = true;
        _stderr.WriteLine($"michi: {Name(context.Signal)}: stopping (training saves a checkpoint first); send it again to stop at once");
        _stderr.Flush();
        // Cancellation callbacks run on the thread pool so this signal thread is free for a second signal.
        _ = _cts.CancelAsync();
    }

    static string Name(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGTERM => "SIGTERM",
        PosixSignal.SIGINT => "SIGINT",
        PosixSignal.SIGHUP => "SIGHUP",
        _ => signal.ToString(),
    };

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _registrations.Clear();
    }
}
