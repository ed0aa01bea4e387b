// The Euler solver on closed-form fields: v = 3τ² integrates to x = τ³ (and with N steps gives
// exactly the left Riemann sum), a straight field is exact in one step.
using Michi.Model.Flow;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Tests.Flow;

public sealed class EulerSolverTests
{
    private static VelocityField CubicField => (x, tau) => torch.full_like(x, 3 * tau * tau);

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    public void CubicFieldIntegratesToTauCubedWithEnoughSteps(double t1)
    {
        using var x0 = torch.zeros(3, 2);
        using var x = EulerSolver.Integrate(CubicField, x0, steps: 4000, t0: 0, t1: t1);
        double expected = t1 * t1 * t1;
        Assert.True((x - expected).abs().max().item<float>() < 1e-3, $"got {x[0, 0].item<float>()}, want {expected}");
        Assert.Equal(0f, x0.abs().sum().item<float>());   // the start is not modified
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(10)]
    public void FewStepsGiveTheLeftRiemannSum(int steps)
    {
        // Σ_{i<N} 3(i/N)²/N = (N−1)(2N−1)/(2N²): Euler evaluates the field at the left end of each step.
        double expected = (steps - 1.0) * (2.0 * steps - 1.0) / (2.0 * steps * steps);
        using var x0 = torch.zeros(1, 1, dtype: ScalarType.Float64);
        using var x = EulerSolver.Integrate(CubicField, x0, steps);
        Assert.Equal(expected, x.item<double>(), 12);
    }

    [Fact]
    public void StraightLineFieldIsExactInOneStep()
    {
        using var x0 = torch.randn(5, 3, generator: new Generator(1));
        using var x1 = torch.randn(5, 3, generator: new Generator(2));
        using var u = RectifiedFlowPath.TargetVelocity(x0, x1);
        using var x = EulerSolver.Integrate((_, _) => u.clone(), x0, steps: 1);
        Assert.True(x.allclose(x1, rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void ConditionalPathFieldLandsOnTheTargetForAnyStepCount()
    {
        // The velocity that keeps a point on the straight path to x1: (x1 − x) / (1 − τ).
        using var x0 = torch.randn(4, 2, generator: new Generator(3));
        using var x1 = torch.randn(4, 2, generator: new Generator(4));
        foreach (int steps in new[] { 1, 3, 8 })
        {
            using var x = EulerSolver.Integrate((x, tau) => (x1 - x) / (1 - tau), x0, steps);
            Assert.True(x.allclose(x1, rtol: 0, atol: 1e-5), $"{steps} steps");
        }
    }

    [Fact]
    public void RejectsZeroSteps()
    {
        using var x0 = torch.zeros(1, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => EulerSolver.Integrate(CubicField, x0, steps: 0));
    }
}
