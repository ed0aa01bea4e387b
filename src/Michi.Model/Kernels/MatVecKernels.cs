// Single-threaded inner loops of the matrix-vector product y[r] = Σ_c W[r, c]·x[c] over a range
// of rows; MatVec spreads row ranges over threads. At batch 1 a decoder step is a pass over
// every weight once, so these loops only have to keep up with memory: four rows share each load
// of x, and the work per weight is one fused multiply-add.
// bfloat16 without a shuffle: a 32-bit lane holding two bfloat16 weights (2j in the low half,
// 2j+1 in the high half) gives weight 2j as float by `lane << 16` and weight 2j+1 by
// `lane & 0xFFFF0000`. So x is pre-arranged once per product into blocks of 2·L elements (L
// float lanes per vector): the L even-indexed elements, then the L odd-indexed ones
// (PermuteForBFloat16); columns past the last whole block stay in order and go scalar.
// Software prefetch: four interleaved rows are four short streams (a 960-wide bfloat16 row is
// 30 cache lines) that the hardware prefetcher barely ramps up on, so while one group of four
// rows is being multiplied, the next group's bytes are prefetched, a line per vector load.
// Measured here on the 94 MB output layer: ≈ 10 → 20-25 GB/s.
// Vector512 where the CPU has AVX-512, else Vector256 (AVX2, or emulated on other CPUs).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Michi.Model.Kernels;

internal static unsafe class MatVecKernels
{
    /// <summary>Whether 512-bit vectors are fast here. Every kernel takes the choice as an argument
    /// (`wide`), so tests cover both paths on one machine.</summary>
    public static readonly bool Wide = Vector512.IsHardwareAccelerated;

    /// <summary>x → the bfloat16 kernels' layout (see the header); xp.Length ≥ x.Length.</summary>
    public static void PermuteForBFloat16(ReadOnlySpan<float> x, Span<float> xp, bool wide)
    {
        int block = wide ? 32 : 16, half = block / 2, whole = x.Length / block * block;
        for (int b = 0; b < whole; b += block)
        {
            for (int j = 0; j < half; j++)
            {
                xp[b + j] = x[b + 2 * j];
                xp[b + half + j] = x[b + 2 * j + 1];
            }
        }
        x[whole..].CopyTo(xp[whole..]);
    }

    /// <summary>y[r] = W[r]·x for r in [start, end), W float32 (rows × cols).</summary>
    public static void RowsFloat32(float* w, int cols, float* x, float* y, int start, int end, bool wide)
    {
        int r = start;
        for (; r + 4 <= end; r += 4)
        {
            float* w0 = w + (long)r * cols;
            Dot4Float32(w0, w0 + cols, w0 + 2L * cols, w0 + 3L * cols, x, cols, y + r, wide);
        }
        for (; r < end; r++) y[r] = DotFloat32(w + (long)r * cols, x, cols, wide);
    }

    /// <summary>y[r] = W[r]·x for r in [start, end), W bfloat16 bits (rows × cols), x already
    /// permuted by <see cref="PermuteForBFloat16"/>.</summary>
    public static void RowsBFloat16(ushort* w, int cols, float* xp, float* y, int start, int end, bool wide)
    {
        int r = start;
        for (; r + 4 <= end; r += 4)
        {
            ushort* w0 = w + (long)r * cols;
            Dot4BFloat16(w0, w0 + cols, w0 + 2L * cols, w0 + 3L * cols, xp, cols, y + r, wide);
        }
        for (; r < end; r++) y[r] = DotBFloat16(w + (long)r * cols, xp, cols, wide);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Dot4Float32(float* w0, float* w1, float* w2, float* w3, float* x, int n, float* y, bool wide)
    {
        byte* ahead = (byte*)(w0 + 4L * n);   // the next group of four rows (rows are contiguous)
        int c = 0;
        float s0, s1, s2, s3;
        if (wide)
        {
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; c + 16 <= n; c += 16)
            {
                Prefetch(ahead, c * 16L, 4);
                var xv = Vector512.Load(x + c);
                a0 = Vector512.FusedMultiplyAdd(Vector512.Load(w0 + c), xv, a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.Load(w1 + c), xv, a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.Load(w2 + c), xv, a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.Load(w3 + c), xv, a3);
            }
            s0 = Vector512.Sum(a0); s1 = Vector512.Sum(a1); s2 = Vector512.Sum(a2); s3 = Vector512.Sum(a3);
        }
        else
        {
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; c + 8 <= n; c += 8)
            {
                Prefetch(ahead, c * 16L, 2);
                var xv = Vector256.Load(x + c);
                a0 = Vector256.FusedMultiplyAdd(Vector256.Load(w0 + c), xv, a0);
                a1 = Vector256.FusedMultiplyAdd(Vector256.Load(w1 + c), xv, a1);
                a2 = Vector256.FusedMultiplyAdd(Vector256.Load(w2 + c), xv, a2);
                a3 = Vector256.FusedMultiplyAdd(Vector256.Load(w3 + c), xv, a3);
            }
            s0 = Vector256.Sum(a0); s1 = Vector256.Sum(a1); s2 = Vector256.Sum(a2); s3 = Vector256.Sum(a3);
        }
        for (; c < n; c++)
        {
            float xc = x[c];
            s0 += w0[c] * xc; s1 += w1[c] * xc; s2 += w2[c] * xc; s3 += w3[c] * xc;
        }
        y[0] = s0; y[1] = s1; y[2] = s2; y[3] = s3;
    }

    internal static float DotFloat32(float* w, float* x, int n, bool wide)
    {
        int c = 0;
        float s;
        if (wide)
        {
            Vector512<float> a = default;
            for (; c + 16 <= n; c += 16) a = Vector512.FusedMultiplyAdd(Vector512.Load(w + c), Vector512.Load(x + c), a);
            s = Vector512.Sum(a);
        }
        else
        {
            Vector256<float> a = default;
            for (; c + 8 <= n; c += 8) a = Vector256.FusedMultiplyAdd(Vector256.Load(w + c), Vector256.Load(x + c), a);
            s = Vector256.Sum(a);
        }
        for (; c < n; c++) s += w[c] * x[c];
        return s;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Dot4BFloat16(ushort* w0, ushort* w1, ushort* w2, ushort* w3, float* xp, int n, float* y, bool wide)
    {
        byte* ahead = (byte*)(w0 + 4L * n);   // the next group of four rows (rows are contiguous)
        int c = 0;
        float s0, s1, s2, s3;
        if (wide)
        {
            var high = Vector512.Create(0xFFFF0000u);
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default;
            for (; c + 32 <= n; c += 32)
            {
                Prefetch(ahead, c * 8L, 4);
                var even = Vector512.Load(xp + c);
                var odd = Vector512.Load(xp + c + 16);
                var v0 = Vector512.Load((uint*)(w0 + c));
                var v1 = Vector512.Load((uint*)(w1 + c));
                var v2 = Vector512.Load((uint*)(w2 + c));
                var v3 = Vector512.Load((uint*)(w3 + c));
                a0 = Vector512.FusedMultiplyAdd(Vector512.ShiftLeft(v0, 16).AsSingle(), even, a0);
                b0 = Vector512.FusedMultiplyAdd((v0 & high).AsSingle(), odd, b0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.ShiftLeft(v1, 16).AsSingle(), even, a1);
                b1 = Vector512.FusedMultiplyAdd((v1 & high).AsSingle(), odd, b1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.ShiftLeft(v2, 16).AsSingle(), even, a2);
                b2 = Vector512.FusedMultiplyAdd((v2 & high).AsSingle(), odd, b2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.ShiftLeft(v3, 16).AsSingle(), even, a3);
                b3 = Vector512.FusedMultiplyAdd((v3 & high).AsSingle(), odd, b3);
            }
            s0 = Vector512.Sum(a0 + b0); s1 = Vector512.Sum(a1 + b1); s2 = Vector512.Sum(a2 + b2); s3 = Vector512.Sum(a3 + b3);
        }
        else
        {
            var high = Vector256.Create(0xFFFF0000u);
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector256<float> b0 = default, b1 = default, b2 = default, b3 = default;
            for (; c + 16 <= n; c += 16)
            {
                Prefetch(ahead, c * 8L, 2);
                var even = Vector256.Load(xp + c);
                var odd = Vector256.Load(xp + c + 8);
                var v0 = Vector256.Load((uint*)(w0 + c));
                var v1 = Vector256.Load((uint*)(w1 + c));
                var v2 = Vector256.Load((uint*)(w2 + c));
                var v3 = Vector256.Load((uint*)(w3 + c));
                a0 = Vector256.FusedMultiplyAdd(Vector256.ShiftLeft(v0, 16).AsSingle(), even, a0);
                b0 = Vector256.FusedMultiplyAdd((v0 & high).AsSingle(), odd, b0);
                a1 = Vector256.FusedMultiplyAdd(Vector256.ShiftLeft(v1, 16).AsSingle(), even, a1);
                b1 = Vector256.FusedMultiplyAdd((v1 & high).AsSingle(), odd, b1);
                a2 = Vector256.FusedMultiplyAdd(Vector256.ShiftLeft(v2, 16).AsSingle(), even, a2);
                b2 = Vector256.FusedMultiplyAdd((v2 & high).AsSingle(), odd, b2);
                a3 = Vector256.FusedMultiplyAdd(Vector256.ShiftLeft(v3, 16).AsSingle(), even, a3);
                b3 = Vector256.FusedMultiplyAdd((v3 & high).AsSingle(), odd, b3);
            }
            s0 = Vector256.Sum(a0 + b0); s1 = Vector256.Sum(a1 + b1); s2 = Vector256.Sum(a2 + b2); s3 = Vector256.Sum(a3 + b3);
        }
        for (; c < n; c++)   // tail columns are in their natural order in xp
        {
            float xc = xp[c];
            s0 += BFloat16Bits.ToSingle(w0[c]) * xc; s1 += BFloat16Bits.ToSingle(w1[c]) * xc;
            s2 += BFloat16Bits.ToSingle(w2[c]) * xc; s3 += BFloat16Bits.ToSingle(w3[c]) * xc;
        }
        y[0] = s0; y[1] = s1; y[2] = s2; y[3] = s3;
    }

    internal static float DotBFloat16(ushort* w, float* xp, int n, bool wide)
    {
        int c = 0;
        float s;
        if (wide)
        {
            var high = Vector512.Create(0xFFFF0000u);
            Vector512<float> a = default, b = default;
            for (; c + 32 <= n; c += 32)
            {
                var v = Vector512.Load((uint*)(w + c));
                a = Vector512.FusedMultiplyAdd(Vector512.ShiftLeft(v, 16).AsSingle(), Vector512.Load(xp + c), a);
                b = Vector512.FusedMultiplyAdd((v & high).AsSingle(), Vector512.Load(xp + c + 16), b);
            }
            s = Vector512.Sum(a + b);
        }
        else
        {
            var high = Vector256.Create(0xFFFF0000u);
            Vector256<float> a = default, b = default;
            for (; c + 16 <= n; c += 16)
            {
                var v = Vector256.Load((uint*)(w + c));
                a = Vector256.FusedMultiplyAdd(Vector256.ShiftLeft(v, 16).AsSingle(), Vector256.Load(xp + c), a);
                b = Vector256.FusedMultiplyAdd((v & high).AsSingle(), Vector256.Load(xp + c + 8), b);
            }
            s = Vector256.Sum(a + b);
        }
        for (; c < n; c++) s += BFloat16Bits.ToSingle(w[c]) * xp[c];
        return s;
    }

    /// <summary>Prefetches <paramref name="lines"/> cache lines at ahead + offset (harmless past
    /// the end of the matrix: a prefetch never faults).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Prefetch(byte* ahead, long offset, int lines)
    {
        if (!Sse.IsSupported) return;
        for (int i = 0; i < lines; i++) Sse.Prefetch0(ahead + offset + 64 * i);
    }
}
