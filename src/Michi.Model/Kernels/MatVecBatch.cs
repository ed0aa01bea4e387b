// Y = X·Wᵀ for a few input vectors at once (X (K, in), Y (K, out)), the matrix read from memory
// once: the speak head's adaLN modulations need every Euler step's vector times the same large
// matrix (SpeakHeadSampler), and at batch 1 the bytes of W are the whole cost. Each group of four
// rows is multiplied by the first vector (streaming from memory, with the kernels' prefetch) and
// then by the other vectors while the rows are still in L1 (4 rows of a 1536-wide bfloat16
// matrix are 12 KB). The arithmetic per output is exactly MatVec.Multiply's, so row k of Y equals
// Multiply(W, X[k]) bit for bit (tested). Rows are shared by the ComputePool's threads.
//
// Shapes: K vectors, in = W.Columns, out = W.Rows.
using System.Buffers;

namespace Michi.Model.Kernels;

public static unsafe class MatVecBatch
{
    /// <summary>y[k·out + r] = W[r]·x[k·in …]: <paramref name="count"/> products of W, one pass over W.</summary>
    public static void Multiply(in WeightMatrix weight, ReadOnlySpan<float> x, int count, Span<float> y, ComputePool? pool = null)
        => Multiply(weight, x, count, y, pool, MatVecKernels.Wide);

    internal static void Multiply(in WeightMatrix weight, ReadOnlySpan<float> x, int count, Span<float> y, ComputePool? pool, bool wide)
    {
        if (weight.Data == 0) throw new ArgumentException("an empty WeightMatrix", nameof(weight));
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        int cols = weight.Columns, rows = weight.Rows;
        if (x.Length != (long)count * cols) throw new ArgumentException($"x has {x.Length} elements, not {count}×{cols}", nameof(x));
        if (y.Length != (long)count * rows) throw new ArgumentException($"y has {y.Length} elements, not {count}×{rows}", nameof(y));
        if (x.Overlaps(y)) throw new ArgumentException("y must not overlap x", nameof(y));
        bool bf16 = weight.Type == WeightType.BFloat16;
        float[]? permuted = bf16 ? ArrayPool<float>.Shared.Rent(x.Length) : null;
        try
        {
            if (bf16)
                for (int k = 0; k < count; k++)
                    MatVecKernels.PermuteForBFloat16(x.Slice(k * cols, cols), permuted.AsSpan(k * cols, cols), wide);
            fixed (float* px = bf16 ? permuted.AsSpan(0, x.Length) : x)
            fixed (float* py = y)
            {
                pool ??= ComputePool.Shared;
                var work = new Work(weight, count, px, py, wide);
                int chunks = weight.Bytes < MatVec.MinParallelBytes ? 1 : Math.Min(pool.Threads * MatVec.ChunksPerThread, (rows + 3) / 4);
                work.RowsPerChunk = (rows + chunks - 1) / chunks + 3 & ~3;   // whole groups of 4 rows
                pool.For((rows + work.RowsPerChunk - 1) / work.RowsPerChunk, work);
            }
        }
        finally
        {
            if (permuted is not null) ArrayPool<float>.Shared.Return(permuted);
        }
    }

    sealed class Work(WeightMatrix weight, int count, float* x, float* y, bool wide) : IChunkedWork
    {
        public int RowsPerChunk;

        public void Run(int chunk)
        {
            int start = chunk * RowsPerChunk, end = Math.Min(weight.Rows, start + RowsPerChunk);
            int cols = weight.Columns, rows = weight.Rows;
            // Groups of 4 rows, each group times every vector before moving on (the group stays in L1).
            for (int r = start; r < end; r += 4)
            {
                int to = Math.Min(end, r + 4);
                for (int k = 0; k < count; k++)
                {
                    float* xk = x + (long)k * cols, yk = y + (long)k * rows;
                    if (weight.Type == WeightType.BFloat16) MatVecKernels.RowsBFloat16((ushort*)weight.Data, cols, xk, yk, r, to, wide);
                    else MatVecKernels.RowsFloat32((float*)weight.Data, cols, xk, yk, r, to, wide);
                }
            }
        }
    }
}
