// Measures how fast this machine reads a set of weight matrices: one pass summing every byte,
// on all of a ComputePool's threads, in 1 MB blocks. A batch-1 decode step has to read the same
// bytes, so such a pass is the step's memory-bandwidth floor. Reading the weights themselves
// (rather than a separate buffer) gives the same sizes, placement and cache behaviour as the
// step, without allocating another copy of the model.
// The pass is made as fast as we could make a plain read (so the floor is not flattering): the
// widest vectors and a software prefetch 4 KB ahead, as the kernels do; here that read ≈ 10%
// faster than 256-bit loads without prefetch.
using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
        uint sum;
        if (MatVecKernels.Wide)
        {
            Vector512<uint> a = default, b = default;
            for (; i + 32 <= n; i += 32)
            {
                Prefetch(p + i + 1024);
                a += Vector512.Load(p + i);
                b += Vector512.Load(p + i + 16);
            }
            sum = Vector512.Sum(a + b);
        }
        else
        {
            Vector256<uint> a = default, b = default, c = default, d = default;
            for (; i + 32 <= n; i += 32)
            {
                Prefetch(p + i + 1024);
                a += Vector256.Load(p + i);
                b += Vector256.Load(p + i + 8);
                c += Vector256.Load(p + i + 16);
                d += Vector256.Load(p + i + 24);
            }
            sum = Vector256.Sum(a + b + c + d);
        }
        for (; i < n; i++) sum += p[i];
        Interlocked.Add(ref _sink, sum);
    }

    /// <summary>The two cache lines at <paramref name="p"/> (harmless past the end: a prefetch never faults).</summary>
    static void Prefetch(uint* p)
    {
        if (!Sse.IsSupported) return;
        Sse.Prefetch0(p);
        Sse.Prefetch0(p + 16);
    }
}
