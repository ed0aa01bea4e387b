// One long-lived `festival --pipe` process: Scheme goes in on stdin, each request ends with a
// unique marker that festival prints (and flushes) when it gets there, so the reply is every
// stdout line before it. Starting festival and loading a voice costs more than synthesising a
// sentence, so FestivalEngine keeps a pool of these, one per concurrent caller.
// Scheme errors go to stderr and festival carries on, so callers check their own success marker
// (LastErrors says what went wrong). A process that times out or is cancelled is killed.
using System.Diagnostics;
using System.Text;

namespace Michi.Data.Synthesis;

sealed class FestivalProcess : IDisposable
{
    readonly Process _process;
    readonly StringBuilder _stderr = new();

    FestivalProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.BeginErrorReadLine();
    }

    static readonly List<FestivalProcess> s_live = [];

    static FestivalProcess()
    {
        // Let every festival finish on its own when we exit (stdin closes, it quits and is
        // reaped), rather than leaving orphans that outlive us.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            lock (s_live) foreach (var p in s_live.ToArray()) p.Close();
        };
    }

    public static FestivalProcess Start()
    {
        var info = new ProcessStartInfo("festival")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.ArgumentList.Add("--pipe");
        var process = new FestivalProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start festival"));
        lock (s_live) s_live.Add(process);
        return process;
    }

    /// <summary>Ends the process politely: end of input, a moment to exit, then kill.</summary>
    void Close()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(2000)) _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException) { /* already gone */ }
    }

    public bool Healthy { get; private set; } = true;

    /// <summary>Runs <paramref name="script"/> and returns what it printed on stdout; throws (and
    /// marks the process unhealthy) when festival exits, times out or is cancelled.</summary>
    public async Task<string> RunAsync(string script, TimeSpan timeout, CancellationToken ct)
    {
        string marker = $"MICHI-DONE-{Guid.NewGuid():N}";
        lock (_stderr) _stderr.Clear();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        var output = new StringBuilder();
        try
        {
            await _process.StandardInput.WriteAsync($"{script}\n(format t \"{marker}\\n\")\n(fflush nil)\n".AsMemory(), limit.Token);
            await _process.StandardInput.FlushAsync(limit.Token);
            while (true)
            {
                string? line = await _process.StandardOutput.ReadLineAsync(limit.Token);
                if (line == null) throw new InvalidOperationException($"festival exited: {Stderr()}");
                if (line == marker) break;
                output.AppendLine(line);
            }
        }
        catch (OperationCanceledException)
        {
            Healthy = false;
            ct.ThrowIfCancellationRequested();
            throw new TimeoutException($"festival did not answer within {timeout.TotalSeconds:0} s");
        }
        catch
        {
            Healthy = false;
            throw;
        }
        return output.ToString();
    }

    /// <summary>Marks the process as not to be reused (the pool then disposes it).</summary>
    public void Discard() => Healthy = false;

    /// <summary>What festival wrote on stderr since the last request (its Scheme errors).</summary>
    public string LastErrors => Stderr();

    string Stderr()
    {
        lock (_stderr) return OneLine(_stderr.ToString());
    }

    static string OneLine(string s)
    {
        s = s.ReplaceLineEndings(" ").Trim();
        return s.Length > 300 ? s[..300] + "…" : s;
    }

    public void Dispose()
    {
        Healthy = false;
        lock (s_live) s_live.Remove(this);
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { /* already gone */ }
        _process.Dispose();
    }
}
