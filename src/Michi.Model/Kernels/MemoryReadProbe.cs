// Measures how fast this machine reads a set of weight matrices: one pass summing every byte,
// on all of a ComputePool's threads, in 1 MB blocks. A batch-1 decode step has to read the same
// bytes, so such a pass is the step's memory-bandwidth floor. Reading the weights themselves
// (rather than a separate buffer) gives the same sizes, placement and cache behaviour as the
// step, without allocating another copy of the model.
using System.Diagnostics;
using System.Runtime.Intrinsics;

namespace Michi.Model.Kernels;

public sealed unsafe class MemoryReadProbe : IChunkedWork
{
    const long BlockBytes = 1 << 20;
    readonly List<(nint Start, long Bytes)> _blocks = [];
    long _sink;      // keeps the sums observable, so the reads cannot be optimised away

    public MemoryReadProbe(IReadOnlyList<WeightMatrix> matrices)
    {
        ArgumentNullException.ThrowIfNull(matrices);
        foreach (var m in matrices)
        {
            for (long offset = 0; offset < m.Bytes; offset += BlockBytes)
                _blocks.Add((m.Data + (nint)offset, Math.Min(BlockBytes, m.Bytes - offset)));
            Bytes += m.Bytes;
        }
    }

    /// <summary>Bytes one pass reads.</summary>
    public long Bytes { get; }

    /// <summary>Seconds of one pass over every byte.</summary>
    public double Read(ComputePool? pool = null)
    {
        pool ??= ComputePool.Shared;
        long start = Stopwatch.GetTimestamp();
        pool.For(_blocks.Count, this);
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    void IChunkedWork.Run(int chunk)
    {
        var (start, bytes) = _blocks[chunk];
        uint* p = (uint*)start;
        long n = bytes / 4, i = 0;
        Vector256<uint> a = default, b = default, c = default, d = default;
        for (; i + 32 <= n; i += 32)
        {
            a += Vector256.Load(p + i);
            b += Vector256.Load(p + i + 8);
            c += Vector256.Load(p + i + 16);
            d += Vector256.Load(p + i + 24);
        }
        uint sum = Vector256.Sum(a + b + c + d);
        for (; i < n; i++) sum += p[i];
        Interlocked.Add(ref _sink, sum);
    }
}
