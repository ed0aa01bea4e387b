using Michi.Model.Flow;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Tests.Flow;

public sealed class RectifiedFlowPathTests
{
    [Fact]
    public void PathRunsFromNoiseToDataWithTheTargetVelocity()
    {
        using var x0 = torch.randn(6, 4, generator: new Generator(5));
        using var x1 = torch.randn(6, 4, generator: new Generator(6));
        using var zero = torch.zeros(6);
        using var one = torch.ones(6);
        using var atZero = RectifiedFlowPath.Interpolate(x0, x1, zero);
        using var atOne = RectifiedFlowPath.Interpolate(x0, x1, one);
        Assert.True(atZero.allclose(x0, rtol: 0, atol: 1e-6));
        Assert.True(atOne.allclose(x1, rtol: 0, atol: 1e-6));

        // A finite difference along the path equals x1 − x0, at different τ per row.
        using var tau = torch.linspace(0.1, 0.8, 6);
        using var a = RectifiedFlowPath.Interpolate(x0, x1, tau);
        using var b = RectifiedFlowPath.Interpolate(x0, x1, tau + 0.01);
        using var slope = (b - a) / 0.01;
        using var u = RectifiedFlowPath.TargetVelocity(x0, x1);
        Assert.True(slope.allclose(u, rtol: 0, atol: 1e-3));
    }

    [Fact]
    public void SourceNoiseScalesWithTemperatureAndFollowsTheSeed()
    {
        using var a = RectifiedFlowPath.SampleSource([4000, 2], 1.0, ScalarType.Float32, torch.CPU, new Generator(7));
        using var b = RectifiedFlowPath.SampleSource([4000, 2], 0.5, ScalarType.Float32, torch.CPU, new Generator(7));
        using var c = RectifiedFlowPath.SampleSource([4000, 2], 1.0, ScalarType.Float32, torch.CPU, new Generator(7));
        Assert.True((a * 0.5).allclose(b));
        Assert.True(a.eq(c).all().item<bool>());
        Assert.InRange(a.std().item<float>(), 0.95f, 1.05f);
        Assert.Throws<ArgumentOutOfRangeException>(() => RectifiedFlowPath.SampleSource([1], -1, ScalarType.Float32, torch.CPU));
    }
}
