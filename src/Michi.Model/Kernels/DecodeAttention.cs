// Attention of one new position over a KV cache, for batch-1 decoding: for each query head h
// (served by kv head h / G, as transformers' repeat_kv), scores s_j = q_h·k_j / sqrt(D) over
// the positions j ≤ the new one, softmax, and Σ_j p_j v_j. The keys of one kv head form a
// (positions × D) row-major matrix, so the scores are a matrix-vector product and reuse its
// kernels; the weighted sum of values widens bfloat16 in place. Keys and values are read where
// the KvCache stores them (float32 or bfloat16). Heads run in parallel.
// Reference: Vaswani et al. 2017 (scaled dot-product attention); Ainslie et al. 2023 (GQA).
//
// Shapes: H query heads, KV kv heads, D head_dim, M cache capacity, S attended positions.
using System.Buffers;
using System.Runtime.Intrinsics;

namespace Michi.Model.Kernels;

internal sealed unsafe class DecodeAttention(int heads, int kvHeads, int headDim, bool wide) : IChunkedWork
{
    float* _q, _output;          // (H, D) each
    void* _keys, _values;        // (KV, M, D) each, one layer of the cache
    bool _bf16;
    int _capacity, _length;

    /// <summary>output (H, D) = attention of q (H, D, rotary applied) over the first
    /// <paramref name="length"/> positions of one layer's keys and values.</summary>
    public void Run(float* q, void* keys, void* values, bool bf16, int capacity, int length, float* output, ComputePool pool)
    {
        _q = q; _keys = keys; _values = values; _bf16 = bf16; _capacity = capacity; _length = length; _output = output;
        // Over a short context all heads together are a few µs of work: not worth a hand-off.
        if ((long)length * headDim * heads < MinParallelElements)
            for (int h = 0; h < heads; h++) Run(h);
        else pool.For(heads, this);
    }

    const long MinParallelElements = 1 << 16;

    public void Run(int head)
    {
        int groups = heads / kvHeads, kv = head / groups, d = headDim, s = _length;
        long kvOffset = (long)kv * _capacity * d;
        float* q = _q + (long)head * d;
        float* output = _output + (long)head * d;
        float[] rented = ArrayPool<float>.Shared.Rent(s);
        try
        {
            fixed (float* scores = rented)
            {
                if (_bf16)
                {
                    float* qp = stackalloc float[d];
                    MatVecKernels.PermuteForBFloat16(new ReadOnlySpan<float>(q, d), new Span<float>(qp, d), wide);
                    MatVecKernels.RowsBFloat16((ushort*)_keys + kvOffset, d, qp, scores, 0, s, wide);
                }
                else MatVecKernels.RowsFloat32((float*)_keys + kvOffset, d, q, scores, 0, s, wide);

                Softmax(scores, s, 1f / MathF.Sqrt(d));
                if (_bf16) WeightedSumBFloat16((ushort*)_values + kvOffset, d, scores, s, output);
                else WeightedSumFloat32((float*)_values + kvOffset, d, scores, s, output);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>p = softmax(scale·x) in place, max-subtracted.</summary>
    static void Softmax(float* x, int n, float scale)
    {
        float max = float.NegativeInfinity;
        for (int i = 0; i < n; i++) max = MathF.Max(max, x[i] *= scale);
        float sum = 0;
        for (int i = 0; i < n; i++) sum += x[i] = MathF.Exp(x[i] - max);
        float inverse = 1f / sum;
        for (int i = 0; i < n; i++) x[i] *= inverse;
    }

    /// <summary>output (D) = Σ_j p_j · V[j, :] for V float32 (S rows of D).</summary>
    static void WeightedSumFloat32(float* v, int d, float* p, int s, float* output)
    {
        new Span<float>(output, d).Clear();
        for (int j = 0; j < s; j++)
        {
            float* row = v + (long)j * d;
            var pj = Vector256.Create(p[j]);
            int c = 0;
            for (; c + 8 <= d; c += 8)
                Vector256.FusedMultiplyAdd(Vector256.Load(row + c), pj, Vector256.Load(output + c)).Store(output + c);
            for (; c < d; c++) output[c] += p[j] * row[c];
        }
    }

    /// <summary>output (D) = Σ_j p_j · V[j, :] for V bfloat16 bits (S rows of D).</summary>
    static void WeightedSumBFloat16(ushort* v, int d, float* p, int s, float* output)
    {
        new Span<float>(output, d).Clear();
        for (int j = 0; j < s; j++)
        {
            ushort* row = v + (long)j * d;
            var pj = Vector256.Create(p[j]);
            int c = 0;
            for (; c + 16 <= d; c += 16)
            {
                var (low, high) = Vector256.Widen(Vector256.Load(row + c));     // 16 bf16 → 2 × 8 uint
                var lowOut = Vector256.Load(output + c);
                var highOut = Vector256.Load(output + c + 8);
                Vector256.FusedMultiplyAdd(Vector256.ShiftLeft(low, 16).AsSingle(), pj, lowOut).Store(output + c);
                Vector256.FusedMultiplyAdd(Vector256.ShiftLeft(high, 16).AsSingle(), pj, highOut).Store(output + c + 8);
            }
            for (; c < d; c++) output[c] += p[j] * BFloat16Bits.ToSingle(row[c]);
        }
    }
}
