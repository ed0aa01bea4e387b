// MatVecBatch (several vectors times one matrix, one pass over it) gives, row for row, exactly
// what MatVec.Multiply gives for each vector alone: odd shapes (row and column tails), both
// vector widths, float32 and bfloat16, one and two threads, 1 to 4 vectors.
using Michi.Model.Kernels;
using TorchSharp;

namespace Michi.Model.Tests.Kernels;

public class MatVecBatchTests
{
    public static TheoryData<int, int, bool, bool, int> Shapes()
    {
        var data = new TheoryData<int, int, bool, bool, int>();
        foreach (var (rows, cols) in new[] { (1, 1), (5, 31), (37, 33), (1031, 517) })   // the last ≈ 1 MB: split across threads
            foreach (bool bf16 in new[] { false, true })
                foreach (bool wide in new[] { false, true })
                    foreach (int count in new[] { 1, 3, 4 })
                        data.Add(rows, cols, bf16, wide, count);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EachRowEqualsItsOwnProduct(int rows, int cols, bool bf16, bool wide, int count)
    {
        using var scope = torch.NewDisposeScope();
        var (w, _) = MatVecTests.RandomProblem(rows, cols, bf16, seed: rows + cols);
        var matrix = WeightMatrix.Of(w);
        float[] x = torch.randn(count * cols, generator: torch.manual_seed(count)).data<float>().ToArray();
        var expected = new float[count * rows];
        using var single = new ComputePool(1);
        for (int k = 0; k < count; k++)
            MatVec.Multiply([matrix], x.AsSpan(k * cols, cols), expected.AsSpan(k * rows, rows), single, wide);
        foreach (int threads in new[] { 1, 2 })
        {
            using var pool = new ComputePool(threads);
            var actual = new float[count * rows];
            MatVecBatch.Multiply(matrix, x, count, actual, pool, wide);
            Assert.Equal(expected, actual);
        }
        MatVecTests.AssertClose(MatVecTests.Reference(w, x[..cols]), expected[..rows], w, x[..cols]);   // and it is the product
    }

    [Fact]
    public void RejectsMismatchedShapes()
    {
        using var scope = torch.NewDisposeScope();
        var (w, _) = MatVecTests.RandomProblem(8, 16, bf16: false, seed: 1);
        var matrix = WeightMatrix.Of(w);
        Assert.Throws<ArgumentException>(() => MatVecBatch.Multiply(matrix, new float[31], 2, new float[16]));
        Assert.Throws<ArgumentException>(() => MatVecBatch.Multiply(matrix, new float[32], 2, new float[15]));
        Assert.Throws<ArgumentOutOfRangeException>(() => MatVecBatch.Multiply(matrix, [], 0, []));
    }
}
