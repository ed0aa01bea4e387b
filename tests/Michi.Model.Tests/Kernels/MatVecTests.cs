// The matrix-vector kernels against LibTorch's matmul computed in float64 from the same weights,
// on odd shapes that exercise every tail (rows not a multiple of 4, columns not a multiple of a
// vector block), both vector widths, one and two threads, fused and SwiGLU variants.
using System.Runtime.InteropServices;
using Michi.Model.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Tests.Kernels;

public class MatVecTests
{
    public static TheoryData<int, int, bool, bool> Shapes()
    {
        var data = new TheoryData<int, int, bool, bool>();
        foreach (var (rows, cols) in new[] { (1, 1), (3, 7), (5, 31), (37, 33), (130, 65), (4, 100), (257, 960), (400, 1001) })
            foreach (bool bf16 in new[] { false, true })
                foreach (bool wide in new[] { false, true })
                    data.Add(rows, cols, bf16, wide);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MultiplyEqualsTorchMatmul(int rows, int cols, bool bf16, bool wide)
    {
        using var scope = torch.NewDisposeScope();
        var (w, x) = RandomProblem(rows, cols, bf16, seed: rows * 1000 + cols);
        var y = new float[rows];
        using var pool = new ComputePool(2);
        MatVec.Multiply([WeightMatrix.Of(w)], x, y, pool, wide);
        AssertClose(Reference(w, x), y, w, x);
    }

    [Fact]
    public void LargeProductSplitAcrossThreadsEqualsSingleThread()
    {
        using var scope = torch.NewDisposeScope();
        var (w, x) = RandomProblem(1031, 517, bf16: true, seed: 3);   // ≈ 1 MB: runs in chunks
        var matrix = WeightMatrix.Of(w);
        Assert.True(matrix.Bytes > MatVec.MinParallelBytes);
        var one = new float[1031];
        var two = new float[1031];
        using (var single = new ComputePool(1)) MatVec.Multiply(matrix, x, one, single);
        using (var pool = new ComputePool(2)) MatVec.Multiply(matrix, x, two, pool);
        Assert.Equal(one, two);   // the same arithmetic per row, whichever thread runs it
        AssertClose(Reference(w, x), two, w, x);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FusedMultiplyEqualsSeparateProducts(bool bf16)
    {
        using var scope = torch.NewDisposeScope();
        var (q, x) = RandomProblem(96, 161, bf16, seed: 1);
        var (k, _) = RandomProblem(33, 161, bf16, seed: 2);
        var (v, _) = RandomProblem(33, 161, bf16, seed: 3);
        var fused = new float[96 + 33 + 33];
        MatVec.Multiply([WeightMatrix.Of(q), WeightMatrix.Of(k), WeightMatrix.Of(v)], x, fused);
        var expected = Reference(q, x).Concat(Reference(k, x)).Concat(Reference(v, x)).ToArray();
        using var all = torch.cat([q, k, v], 0);
        AssertClose(expected, fused, all, x);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void SwiGluEqualsTorch(bool bf16, bool wide)
    {
        using var scope = torch.NewDisposeScope();
        var (gate, x) = RandomProblem(150, 97, bf16, seed: 5);
        var (up, _) = RandomProblem(150, 97, bf16, seed: 6);
        var y = new float[150];
        MatVec.SwiGlu(WeightMatrix.Of(gate), WeightMatrix.Of(up), x, y, null, wide);
        var xt = torch.tensor(x).to(ScalarType.Float64);
        var g = torch.mv(gate.to(ScalarType.Float64), xt);
        var u = torch.mv(up.to(ScalarType.Float64), xt);
        double[] expected = (nn.functional.silu(g) * u).data<double>().ToArray();
        double scale = expected.Max(Math.Abs);
        for (int i = 0; i < y.Length; i++)
            Assert.True(Math.Abs(y[i] - expected[i]) <= 1e-4 * scale, $"row {i}: {y[i]} vs {expected[i]}");
    }

    [Fact]
    public void RejectsMismatchedShapes()
    {
        using var scope = torch.NewDisposeScope();
        var (w, x) = RandomProblem(8, 16, bf16: false, seed: 1);
        var matrix = WeightMatrix.Of(w);
        Assert.Throws<ArgumentException>(() => MatVec.Multiply(matrix, x.AsSpan(1), new float[8]));
        Assert.Throws<ArgumentException>(() => MatVec.Multiply(matrix, x, new float[7]));
        Assert.Throws<ArgumentException>(() => WeightMatrix.Of(torch.zeros(4, 4, 4)));
        Assert.Throws<ArgumentException>(() => WeightMatrix.Of(torch.zeros(4, 8).t()));        // not contiguous
        Assert.Throws<NotSupportedException>(() => WeightMatrix.Of(torch.zeros(4, 4, dtype: ScalarType.Float16)));
    }

    [Fact]
    public void BFloat16RoundingMatchesLibTorch()
    {
        using var scope = torch.NewDisposeScope();
        var values = torch.randn(4096, generator: torch.manual_seed(9)) * 1000;
        float[] source = values.data<float>().ToArray();
        source[0] = float.NaN; source[1] = float.PositiveInfinity; source[2] = -0f; source[3] = 1.00390625f;  // a tie
        using var rounded = torch.tensor(source).to(ScalarType.BFloat16);
        ushort[] torchBits = MemoryMarshal.Cast<byte, ushort>(rounded.bytes).ToArray();
        for (int i = 1; i < source.Length; i++)
            Assert.Equal(torchBits[i], BFloat16Bits.FromSingle(source[i]));
        Assert.True(float.IsNaN(BFloat16Bits.ToSingle(BFloat16Bits.FromSingle(float.NaN))));
    }

    /// <summary>A random (rows, cols) weight tensor in float32 or bfloat16 and a random x.</summary>
    internal static (Tensor W, float[] X) RandomProblem(int rows, int cols, bool bf16, int seed)
    {
        var generator = torch.manual_seed(seed);
        var w = torch.randn(rows, cols, generator: generator);
        if (bf16) w = w.to(ScalarType.BFloat16);
        float[] x = torch.randn(cols, generator: generator).data<float>().ToArray();
        return (w, x);
    }

    /// <summary>W·x in float64 by LibTorch.</summary>
    internal static double[] Reference(Tensor w, float[] x) =>
        torch.matmul(w.to(ScalarType.Float64), torch.tensor(x).to(ScalarType.Float64)).data<double>().ToArray();

    /// <summary>Each y[r] within 1e-4 relative of the reference, relative to Σ|W[r,c]·x[c]| (the size
    /// of the terms summed: a row whose sum cancels to ≈ 0 has no meaningful relative error).</summary>
    internal static void AssertClose(double[] expected, float[] actual, Tensor w, float[] x)
    {
        double[] magnitude = torch.matmul(w.to(ScalarType.Float64).abs(), torch.tensor(x).to(ScalarType.Float64).abs()).data<double>().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (int r = 0; r < expected.Length; r++)
            Assert.True(Math.Abs(actual[r] - expected[r]) <= 1e-4 * magnitude[r] + 1e-30,
                $"row {r}: {actual[r]} vs {expected[r]} (terms ≈ {magnitude[r]})");
    }
}
