// Snake, residual units, residual blocks and multi-receptive-field fusion: values where a
// closed form exists, causality and streaming == offline for each.
using Michi.Model.Nn;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Tests.Streaming;

public sealed class LayerTests
{
    [Fact]
    public void SnakeFollowsItsFormula()
    {
        using var snake = new Snake(2);
        using var _ = torch.no_grad();
        snake.Alpha.copy_(torch.tensor(new float[] { 1f, 0.5f }));
        using var x = torch.tensor(new float[] { 0.3f, -1.2f, 2f, 0.7f }).view(1, 2, 2);
        using var y = snake.call(x);
        float[] xs = [0.3f, -1.2f, 2f, 0.7f];
        float[] alphas = [1f, 1f, 0.5f, 0.5f];
        float[] got = y.data<float>().ToArray();
        for (int i = 0; i < 4; i++)
        {
            double expected = xs[i] + Math.Pow(Math.Sin(alphas[i] * xs[i]), 2) / alphas[i];
            Assert.Equal(expected, got[i], 5);
        }
    }

    [Fact]
    public void LeakyReluFollowsItsFormulaAndSurvivesManyCalls()
    {
        using var act = Activation.Create(Activation.LeakyReluName, 1);
        Assert.IsType<LeakyRelu>(act);
        using var x = torch.tensor(new float[] { -2f, -0.5f, 0f, 1.5f });
        float[] expected = [-0.2f, -0.05f, 0f, 1.5f];
        // Many calls with collections in between: the slope Scalar must outlive every call.
        for (int i = 0; i < 200; i++)
        {
            using var y = act.call(x);
            if (i % 50 == 0) { GC.Collect(); GC.WaitForPendingFinalizers(); }
            Assert.Equal(expected, y.data<float>().ToArray());
        }
    }

    [Fact]
    public void SnakeInferencePathEqualsTheDifferentiableOne()
    {
        using var snake = new Snake(3);
        using (torch.no_grad()) snake.Alpha.copy_(torch.tensor(new float[] { 0.7f, 1.3f, -0.4f }));
        using var x = torch.randn(2, 3, 50, generator: new Generator(9));
        using var withGrad = snake.call(x);
        Assert.True(withGrad.requires_grad);
        using var _ = torch.no_grad();
        using var inference = snake.call(x);
        Assert.True(inference.allclose(withGrad, rtol: 1e-6, atol: 1e-6));
    }

    [Theory]
    [InlineData(Activation.SnakeName)]
    [InlineData(Activation.LeakyReluName)]
    public void ActivationsArePointwise(string name)
    {
        using var act = Activation.Create(name, 3);
        using var x = torch.randn(2, 3, 30, generator: new Generator(1));
        StreamingCheck.IsCausal(t => act.call(t), x, 2, 2, cut: 11);
        using var _ = torch.no_grad();
        using var whole = act.call(x);
        using var a = act.call(x.narrow(2, 0, 7));
        using var b = act.call(x.narrow(2, 7, 23));
        using var pieces = torch.cat([a, b], 2);
        Assert.True(StreamingCheck.Identical(whole, pieces));
    }

    [Theory]
    [InlineData(1, Activation.LeakyReluName)]
    [InlineData(2, Activation.SnakeName)]
    public void ResidualUnitStreamsAndIsCausal(int bottleneck, string activation)
    {
        using var unit = new ResidualUnit(4, 5, 3, bottleneck, activation);
        using var x = torch.randn(2, 4, 64, generator: new Generator(2));
        StreamingCheck.StreamingMatchesOffline(unit, t => unit.call(t), x, 2, 2, maxChunk: 7);
        StreamingCheck.IsCausal(t => unit.call(t), x, 2, 2, cut: 30);
    }

    [Fact]
    public void BottleneckUnitHasAPointwiseSecondConvolution()
    {
        using var unit = new ResidualUnit(8, 7, 1, 2, Activation.LeakyReluName);
        var shapes = unit.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        Assert.Equal(new long[] { 4, 8, 7 }, shapes["conv1.weight_v"]);
        Assert.Equal(new long[] { 8, 4, 1 }, shapes["conv2.weight_v"]);
    }

    [Fact]
    public void ResBlockStreamsAndIsCausal()
    {
        using var block = new ResBlock(4, 3, [1, 3, 5], 2, Activation.SnakeName);
        using var x = torch.randn(1, 4, 80, generator: new Generator(3));
        StreamingCheck.StreamingMatchesOffline(block, t => block.call(t), x, 2, 2, maxChunk: 9);
        StreamingCheck.IsCausal(t => block.call(t), x, 2, 2, cut: 41);
    }

    [Fact]
    public void MultiReceptiveFieldAveragesItsBlocksAndStreams()
    {
        using var mrf = new MultiReceptiveField(4, [3, 7], [[1, 3], [1, 3]], 1, Activation.LeakyReluName);
        using var x = torch.randn(2, 4, 60, generator: new Generator(4));
        StreamingCheck.StreamingMatchesOffline(mrf, t => mrf.call(t), x, 2, 2, maxChunk: 8);
        StreamingCheck.IsCausal(t => mrf.call(t), x, 2, 2, cut: 25);
        Assert.Contains("blocks.1.units.1.conv2.weight_v", mrf.state_dict().Keys);
    }
}
