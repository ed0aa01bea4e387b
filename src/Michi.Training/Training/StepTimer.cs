// Lap timer for profiling a training step: the trainer calls Lap("part") after each part, and
// the timer records the wall time and this thread's CPU time since the previous lap. CPU
// LibTorch ops are synchronous, so a lap ends when its work is done; with one intra-op thread
// the work runs on the calling thread, so the thread CPU time (clock_gettime
// CLOCK_THREAD_CPUTIME_ID on Linux) counts it while ignoring time spent waiting for a core,
// which on this shared 2-core machine inflates wall times far more than the work itself.
// Elsewhere the CPU column falls back to the wall time. A null timer costs nothing.
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Michi.Training;

public sealed class StepTimer
{
    private readonly List<string> _order = [];
    private readonly Dictionary<string, List<(double WallMs, double CpuMs)>> _laps = new(StringComparer.Ordinal);
    private long _wall;
    private double _cpu;

    /// <summary>Part names in the order they were first seen.</summary>
    public IReadOnlyList<string> Parts => _order;

    /// <summary>Starts a new step (the next lap is measured from here).</summary>
    public void Start()
    {
        _wall = Stopwatch.GetTimestamp();
        _cpu = ThreadCpuMs();
    }

    /// <summary>Ends the current part: records the time since Start or the previous lap.</summary>
    public void Lap(string part)
    {
        long wall = Stopwatch.GetTimestamp();
        double cpu = ThreadCpuMs();
        if (!_laps.TryGetValue(part, out var list))
        {
            _laps[part] = list = [];
            _order.Add(part);
        }
        list.Add((Stopwatch.GetElapsedTime(_wall, wall).TotalMilliseconds, cpu - _cpu));
        _wall = Stopwatch.GetTimestamp();
        _cpu = ThreadCpuMs();
    }

    /// <summary>Forgets every lap (after warm-up steps).</summary>
    public void Clear()
    {
        _order.Clear();
        _laps.Clear();
    }

    /// <summary>Median wall and CPU milliseconds of a part over its laps (zero when never seen).</summary>
    public (double WallMs, double CpuMs) Median(string part) =>
        _laps.TryGetValue(part, out var list) && list.Count > 0
            ? (MedianOf(list.Select(l => l.WallMs)), MedianOf(list.Select(l => l.CpuMs)))
            : (0, 0);

    public static double MedianOf(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return 0;
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
    }

    private static readonly bool s_threadClock = OperatingSystem.IsLinux();

    /// <summary>This thread's CPU time in ms (Linux), else the wall clock in ms.</summary>
    public static double ThreadCpuMs()
    {
        if (s_threadClock && clock_gettime(ThreadCpuClock, out var ts) == 0) return ts.Seconds * 1e3 + ts.Nanoseconds * 1e-6;
        return Stopwatch.GetTimestamp() * 1e3 / Stopwatch.Frequency;
    }

    private const int ThreadCpuClock = 3; // CLOCK_THREAD_CPUTIME_ID

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int clock_gettime(int clock, out TimeSpec time);
}
