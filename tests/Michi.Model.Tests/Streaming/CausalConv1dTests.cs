// Causal convolution: left padding only, strides and dilation, streaming == offline, and the
// weight-norm parametrisation (including the folded inference weight).
using Michi.Model.Nn;
using Michi.Model.Streaming;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Michi.Model.Tests.Streaming;

public sealed class CausalConv1dTests
{
    public static TheoryData<long, long, long> Shapes => new()
    {
        // kernel, stride, dilation
        { 5, 1, 3 },
        { 7, 1, 1 },
        { 1, 1, 1 },
        { 8, 4, 1 },
        { 3, 3, 1 },
        { 3, 2, 2 },
    };

    [Theory, MemberData(nameof(Shapes))]
    public void MatchesLeftPaddedConvolution(long kernel, long stride, long dilation)
    {
        // Batch 1 without gradients takes the gathered-taps matmul for dilated kernels; batch 2
        // and the gradient path use LibTorch's convolution: all must agree.
        using var conv = new CausalConv1d(3, 4, kernel, stride, dilation);
        foreach (long batch in new long[] { 1, 2 })
        foreach (bool grad in new[] { false, true })
        {
            using var x = torch.randn(batch, 3, 37, generator: new Generator(1));
            using var mode = torch.set_grad_enabled(grad);
            using var y = conv.call(x);
            using var w = WeightNorm.Compose(conv.Magnitude!, conv.RawWeight);
            using var padded = F.pad(x, [conv.Padding, 0]);
            using var reference = F.conv1d(padded, w, conv.Bias, stride: stride, dilation: dilation);
            Assert.Equal(new long[] { batch, 4, 37 / stride }, y.shape);
            Assert.True(reference.allclose(y, rtol: 1e-5, atol: 1e-6), $"batch {batch}, grad {grad}");
        }
    }

    [Theory, MemberData(nameof(Shapes))]
    public void StreamingMatchesOffline(long kernel, long stride, long dilation)
    {
        using var conv = new CausalConv1d(3, 4, kernel, stride, dilation);
        using var x = torch.randn(2, 3, 101, generator: new Generator(2));
        StreamingCheck.StreamingMatchesOffline(conv, t => conv.call(t), x, inDim: 2, outDim: 2, maxChunk: 9);
    }

    [Theory, MemberData(nameof(Shapes))]
    public void IsCausal(long kernel, long stride, long dilation)
    {
        using var conv = new CausalConv1d(3, 4, kernel, stride, dilation);
        using var x = torch.randn(2, 3, 96, generator: new Generator(3));
        StreamingCheck.IsCausal(t => conv.call(t), x, inDim: 2, outDim: 2, cut: 48);
    }

    [Fact]
    public void WithoutWeightNormStoresPlainWeight()
    {
        using var conv = new CausalConv1d(2, 3, 3, weightNorm: false);
        Assert.Equal(["bias", "weight"], conv.state_dict().Keys.Order());
        using var x = torch.randn(1, 2, 40, generator: new Generator(4));
        StreamingCheck.StreamingMatchesOffline(conv, t => conv.call(t), x, 2, 2, maxChunk: 5);
    }

    [Fact]
    public void WeightNormUsesHuggingFaceNamesAndStartsAtTheRawWeight()
    {
        using var conv = new CausalConv1d(2, 3, 3);
        Assert.Equal(["bias", "weight_g", "weight_v"], conv.state_dict().Keys.Order());
        Assert.Equal(new long[] { 3, 1, 1 }, conv.Magnitude!.shape);
        using var w = WeightNorm.Compose(conv.Magnitude!, conv.RawWeight);
        Assert.True(w.allclose(conv.RawWeight, rtol: 1e-5, atol: 1e-7));
    }

    [Fact]
    public void MagnitudeScalesTheWeightPerOutputChannel()
    {
        using var conv = new CausalConv1d(2, 3, 3, bias: false);
        using var x = torch.randn(1, 2, 20, generator: new Generator(5));
        using var _ = torch.no_grad();
        using var before = conv.call(x);
        conv.Magnitude!.mul_(2.0);
        using var after = conv.call(x);
        using var doubled = before * 2.0;
        Assert.True(after.allclose(doubled, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void FoldedInferenceWeightMatchesTrainingPathAndIsDroppedOnTrain()
    {
        using var conv = new CausalConv1d(3, 3, 5, dilation: 2);
        using var x = torch.randn(1, 3, 30, generator: new Generator(6));
        using var trainOut = conv.call(x);
        conv.eval();
        Tensor first;
        using (torch.no_grad())
        {
            using var evalOut = conv.call(x);
            Assert.True(evalOut.allclose(trainOut, rtol: 1e-6, atol: 1e-7));
            first = conv.EffectiveWeight(out bool temporary);
            Assert.False(temporary);
            Assert.Same(first, conv.EffectiveWeight(out _)); // cached, not recomputed
        }
        conv.Magnitude!.detach().mul_(3.0);
        conv.eval(); // new values: eval() again drops the folded weight
        using (torch.no_grad())
        {
            using var evalOut = conv.call(x);
            using var noBias = trainOut - conv.Bias!.view(1, -1, 1);
            using var expected = noBias * 3.0 + conv.Bias!.view(1, -1, 1);
            Assert.True(evalOut.allclose(expected, rtol: 1e-5, atol: 1e-6));
        }
    }

    [Fact]
    public void RejectsWrongInputShapeAndSkippingStride()
    {
        using var conv = new CausalConv1d(3, 4, 3);
        using var state = conv.CreateState(2);
        using var x = torch.randn(2, 5, 10);
        Assert.Throws<ArgumentException>(() => conv.Step(x, state));
        Assert.Throws<ArgumentException>(() => new CausalConv1d(3, 4, 1, stride: 2));
    }

    [Fact]
    public void ResetGivesAFreshStream()
    {
        using var conv = new CausalConv1d(2, 2, 4, stride: 2);
        using var x = torch.randn(1, 2, 21, generator: new Generator(8));
        using var _ = torch.no_grad();
        using var state = conv.CreateState(1);
        using var first = conv.Step(x, state);
        state.Reset();
        using var second = conv.Step(x, state);
        Assert.True(StreamingCheck.Identical(first, second));
    }
}
