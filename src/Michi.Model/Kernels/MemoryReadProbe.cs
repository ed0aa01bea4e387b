// Measures how fast this machine can read a set of weight matrices: one pass summing every
// byte, on all the ComputePool's threads, in 1 MB blocks. A batch-1 decode step has to read
// the same bytes, so the best time of such a pass is the step's memory-bandwidth floor. Reading
// the weights themselves (rather than a separate buffer) gives the same sizes, placement and
// cache behaviour as the step, without allocating another copy of the model.
using System.Diagnostics;
using System.Runtime.Intrinsics;

namespace Michi.Model.Kernels;

public static unsafe class MemoryReadProbe
{
    const long BlockBytes = 1 << 20;

    /// <summary>Seconds of the fastest of <paramref name="passes"/> full reads (after one warm-up).</summary>
    public static double BestReadSeconds(IReadOnlyList<WeightMatrix> matrices, int passes = 5, ComputePool? pool = null)
    {
        ArgumentNullException.ThrowIfNull(matrices);
        ArgumentOutOfRangeException.ThrowIfLessThan(passes, 1);
        pool ??= ComputePool.Shared;
        var work = new SumWork(matrices);
        double best = double.MaxValue;
        for (int pass = 0; pass <= passes; pass++)
        {
            long start = Stopwatch.GetTimestamp();
            pool.For(work.Blocks.Count, work);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (pass > 0) best = Math.Min(best, seconds);
        }
        return best;
    }

    sealed class SumWork : IChunkedWork
    {
        public readonly List<(nint Start, long Bytes)> Blocks = [];
        long _sink;      // keeps the sums observable, so the reads cannot be optimised away

        public SumWork(IReadOnlyList<WeightMatrix> matrices)
        {
            foreach (var m in matrices)
                for (long offset = 0; offset < m.Bytes; offset += BlockBytes)
                    Blocks.Add((m.Data + (nint)offset, Math.Min(BlockBytes, m.Bytes - offset)));
        }

        public void Run(int chunk)
        {
            var (start, bytes) = Blocks[chunk];
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
}
