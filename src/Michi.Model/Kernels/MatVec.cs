// Multi-threaded matrix-vector products for batch-1 decoding: y = W·x with W (out × in) in
// float32 or bfloat16 (read in place from the tensor's storage, see WeightMatrix), x and y
// float32, accumulation in float32 with fused multiply-adds.
// Rows are cut into chunks shared by the ComputePool's threads; products of one input by
// several matrices (q, k and v; gate and up) run as one parallel loop, so the threads meet once
// per input rather than once per matrix. SwiGlu also applies silu(gate)·up in the same pass.
// A product smaller than MinParallelBytes runs on the calling thread: below that the hand-off
// costs more than it saves.
using System.Buffers;
using System.Runtime.CompilerServices;

namespace Michi.Model.Kernels;

public static unsafe class MatVec
{
    /// <summary>Products reading fewer weight bytes run single-threaded.</summary>
    public const long MinParallelBytes = 96 * 1024;

    /// <summary>Chunks per thread of one product. Measured on the 2-core machine (360M bf16 step):
    /// 1 → 27.3 ms, 2 → 27.6, 4 → 28.1, 8 → 28.8, 16 → 30.0 (each chunk restarts the prefetch
    /// stream and costs a claim); 2 keeps some slack for a descheduled worker.</summary>
    internal static int ChunksPerThread = 2;

    const int StackLimit = 4096;   // floats of permuted x kept on the stack

    /// <summary>y = W·x; x has W.Columns elements, y W.Rows (and must not overlap x).</summary>
    public static void Multiply(in WeightMatrix weight, ReadOnlySpan<float> x, Span<float> y, ComputePool? pool = null)
        => Multiply(new ReadOnlySpan<WeightMatrix>(in weight), x, y, pool, MatVecKernels.Wide);

    /// <summary>[y₀; y₁; …] = [W₀; W₁; …]·x: several matrices with the same column count applied
    /// to one x in one parallel pass, their outputs concatenated in y.</summary>
    public static void Multiply(ReadOnlySpan<WeightMatrix> weights, ReadOnlySpan<float> x, Span<float> y, ComputePool? pool = null)
        => Multiply(weights, x, y, pool, MatVecKernels.Wide);

    internal static void Multiply(ReadOnlySpan<WeightMatrix> weights, ReadOnlySpan<float> x, Span<float> y, ComputePool? pool, bool wide)
    {
        int rows = CheckShapes(weights, x, y.Length);
        if (x.Overlaps(y)) throw new ArgumentException("y must not overlap x", nameof(y));
        Run(new ProductWork(weights.ToArray(), rows, wide), weights[0], x, y, pool);
    }

    /// <summary>y = silu(G·x) ⊙ (U·x), Llama's SwiGLU, with gate and up read in the same pass.</summary>
    public static void SwiGlu(in WeightMatrix gate, in WeightMatrix up, ReadOnlySpan<float> x, Span<float> y, ComputePool? pool = null)
        => SwiGlu(gate, up, x, y, pool, MatVecKernels.Wide);

    internal static void SwiGlu(in WeightMatrix gate, in WeightMatrix up, ReadOnlySpan<float> x, Span<float> y, ComputePool? pool, bool wide)
    {
        if (gate.Rows != up.Rows || gate.Columns != up.Columns || gate.Type != up.Type)
            throw new ArgumentException($"gate ({gate.Rows}×{gate.Columns} {gate.Type}) and up ({up.Rows}×{up.Columns} {up.Type}) differ");
        CheckShapes(new ReadOnlySpan<WeightMatrix>(in gate), x, y.Length);
        if (x.Overlaps(y)) throw new ArgumentException("y must not overlap x", nameof(y));
        Run(new SwiGluWork(gate, up, wide), gate, x, y, pool);
    }

    static int CheckShapes(ReadOnlySpan<WeightMatrix> weights, ReadOnlySpan<float> x, int yLength)
    {
        if (weights.IsEmpty) throw new ArgumentException("no weights", nameof(weights));
        int rows = 0;
        foreach (var w in weights)
        {
            if (w.Data == 0) throw new ArgumentException("an empty WeightMatrix", nameof(weights));
            if (w.Columns != weights[0].Columns || w.Type != weights[0].Type)
                throw new ArgumentException("fused matrices must share column count and type", nameof(weights));
            rows = checked(rows + w.Rows);
        }
        if (x.Length != weights[0].Columns) throw new ArgumentException($"x has {x.Length} elements, W has {weights[0].Columns} columns", nameof(x));
        if (yLength != rows) throw new ArgumentException($"y has {yLength} elements, W has {rows} rows", "y");
        return rows;
    }

    static void Run(RowWork work, in WeightMatrix first, ReadOnlySpan<float> x, Span<float> y, ComputePool? pool)
    {
        int cols = first.Columns;
        float[]? rented = null;
        Span<float> permuted = first.Type != WeightType.BFloat16 ? default
            : cols <= StackLimit ? stackalloc float[cols]
            : (rented = ArrayPool<float>.Shared.Rent(cols)).AsSpan(0, cols);
        try
        {
            if (first.Type == WeightType.BFloat16) MatVecKernels.PermuteForBFloat16(x, permuted, work.Wide);
            fixed (float* px = first.Type == WeightType.BFloat16 ? permuted : x)
            fixed (float* py = y)
            {
                work.X = px;
                work.Y = py;
                pool ??= ComputePool.Shared;
                long bytes = work.TotalRows * (long)cols * first.ElementSize * work.MatricesPerRow;
                int chunks = bytes < MinParallelBytes ? 1 : Math.Min(pool.Threads * ChunksPerThread, (work.TotalRows + 3) / 4);
                work.RowsPerChunk = (work.TotalRows + chunks - 1) / chunks + 3 & ~3;   // whole groups of 4 rows
                chunks = (work.TotalRows + work.RowsPerChunk - 1) / work.RowsPerChunk;
                pool.For(chunks, work);
            }
        }
        finally
        {
            if (rented is not null) ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>A product cut into row chunks; X and Y point at pinned memory for the loop's duration.</summary>
    abstract class RowWork(int totalRows, int matricesPerRow, bool wide) : IChunkedWork
    {
        public float* X, Y;
        public int RowsPerChunk;
        public int TotalRows { get; } = totalRows;
        public int MatricesPerRow { get; } = matricesPerRow;
        public bool Wide { get; } = wide;

        public void Run(int chunk)
        {
            int start = chunk * RowsPerChunk, end = Math.Min(TotalRows, start + RowsPerChunk);
            if (start < end) Rows(start, end);
        }

        protected abstract void Rows(int start, int end);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        protected void Product(in WeightMatrix w, float* x, float* y, int start, int end)
        {
            if (w.Type == WeightType.BFloat16) MatVecKernels.RowsBFloat16((ushort*)w.Data, w.Columns, x, y, start, end, Wide);
            else MatVecKernels.RowsFloat32((float*)w.Data, w.Columns, x, y, start, end, Wide);
        }
    }

    sealed class ProductWork(WeightMatrix[] weights, int totalRows, bool wide) : RowWork(totalRows, 1, wide)
    {
        protected override void Rows(int start, int end)
        {
            // Global rows [start, end) may span several matrices: split at their boundaries.
            int offset = 0;
            foreach (var w in weights)
            {
                int from = Math.Max(start, offset), to = Math.Min(end, offset + w.Rows);
                if (from < to) Product(w, X, Y + offset, from - offset, to - offset);
                offset += w.Rows;
                if (offset >= end) break;
            }
        }
    }

    sealed class SwiGluWork(WeightMatrix gate, WeightMatrix up, bool wide) : RowWork(gate.Rows, 2, wide)
    {
        protected override void Rows(int start, int end)
        {
            // Gate rows land in Y, up rows in a small stack buffer, a block at a time.
            const int Block = 64;
            float* upOut = stackalloc float[Block];
            for (int r = start; r < end; r += Block)
            {
                int to = Math.Min(end, r + Block);
                Product(gate, X, Y, r, to);
                Product(up, X, upOut - r, r, to);
                for (int i = r; i < to; i++)
                {
                    float g = Y[i];
                    Y[i] = g / (1f + MathF.Exp(-g)) * upOut[i - r];
                }
            }
        }
    }
}
