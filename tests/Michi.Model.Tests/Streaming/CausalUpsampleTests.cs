// Causal upsampling (conv + interleave): equal to a ConvTranspose1d truncated causally, and
// streaming == offline.
using Michi.Model.Streaming;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Michi.Model.Tests.Streaming;

public sealed class CausalUpsampleTests
{
    public static TheoryData<long, long> Shapes => new()
    {
        // stride, transposed kernel
        { 4, 8 },
        { 2, 5 },
        { 5, 5 },
        { 3, 9 },
        { 1, 3 },
    };

    [Theory, MemberData(nameof(Shapes))]
    public void EqualsConvTransposeKeepingTheFirstTTimesStrideOutputs(long stride, long kernel)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var transposed = torch.randn(3, 2, kernel, generator: new Generator(1));   // (C_in, C_out, K)
        var bias = torch.randn(2, generator: new Generator(2));
        var (weight, phasedBias) = CausalUpsample.FromTransposedKernel(transposed, bias, stride);
        using var up = new CausalUpsample(3, 2, stride, kernel);
        var conv = up.Conv;
        conv.RawWeight.copy_(weight);
        conv.Magnitude!.copy_(Michi.Model.Nn.WeightNorm.Magnitude(weight));
        conv.Bias!.copy_(phasedBias!);

        var x = torch.randn(2, 3, 13, generator: new Generator(3));
        var y = up.call(x);                                                         // (B, C_out, T·s)
        var full = F.conv_transpose1d(x, transposed, bias, stride: stride);         // (B, C_out, (T−1)·s + K)
        var reference = full.narrow(2, 0, 13 * stride);
        Assert.Equal(new long[] { 2, 2, 13 * stride }, y.shape);
        Assert.True(reference.allclose(y, rtol: 1e-5, atol: 1e-5));
    }

    [Theory, MemberData(nameof(Shapes))]
    public void StreamingMatchesOffline(long stride, long kernel)
    {
        using var up = new CausalUpsample(3, 2, stride, kernel);
        using var x = torch.randn(2, 3, 41, generator: new Generator(4));
        StreamingCheck.StreamingMatchesOffline(up, t => up.call(t), x, inDim: 2, outDim: 2, maxChunk: 6);
    }

    [Theory, MemberData(nameof(Shapes))]
    public void IsCausal(long stride, long kernel)
    {
        using var up = new CausalUpsample(3, 2, stride, kernel);
        using var x = torch.randn(1, 3, 20, generator: new Generator(5));
        StreamingCheck.IsCausal(t => up.call(t), x, inDim: 2, outDim: 2, cut: 9);
    }
}
