using Michi.Training.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Training.Tests.Losses;

public class GanLossTests
{
    [Fact]
    public void LeastSquaresLossesMatchTheirClosedForms()
    {
        // Two sub-discriminators with constant logits r (real) and f (fake):
        // D loss = Σ (1 − r)² + f², G loss = Σ (1 − f)².
        using var r1 = torch.full(2, 5, 0.25f);
        using var f1 = torch.full(2, 5, -0.5f);
        using var r2 = torch.full(3, 1, 7, 1.5f);
        using var f2 = torch.full(3, 1, 7, 0.75f);
        using var d = GanLosses.DiscriminatorLoss([r1, r2], [f1, f2]);
        using var g = GanLosses.GeneratorLoss([f1, f2]);
        double expectedD = Math.Pow(0.75, 2) + Math.Pow(0.5, 2) + Math.Pow(0.5, 2) + Math.Pow(0.75, 2);
        double expectedG = Math.Pow(1.5, 2) + Math.Pow(0.25, 2);
        Assert.Equal(expectedD, d.item<float>(), 5);
        Assert.Equal(expectedG, g.item<float>(), 5);
    }

    [Fact]
    public void PerfectDiscriminatorAndPerfectGeneratorCostNothing()
    {
        using var ones = torch.ones(4, 10);
        using var zeros = torch.zeros(4, 10);
        using var d = GanLosses.DiscriminatorLoss([ones], [zeros]);
        using var g = GanLosses.GeneratorLoss([ones]);
        Assert.Equal(0, d.item<float>());
        Assert.Equal(0, g.item<float>());
    }

    [Fact]
    public void FeatureMatchingIsL1PerLayerAndOnlyTrainsTheFakeSide()
    {
        using var real1 = torch.zeros(2, 3, 4, requires_grad: true);
        using var real2 = torch.ones(2, 8, requires_grad: true);
        using var fake1 = torch.full(2, 3, 4, 0.5f).requires_grad_();
        using var fake2 = torch.full(2, 8, 3f).requires_grad_();
        using var same = GanLosses.FeatureMatching([[real1, real2]], [[real1, real2]]);
        Assert.Equal(0, same.item<float>());
        using var fm = GanLosses.FeatureMatching([[real1, real2]], [[fake1, fake2]]);
        Assert.Equal(0.5 + 2.0, fm.item<float>(), 5);
        fm.backward();
        Assert.Null(real1.grad);
        Assert.NotNull(fake1.grad);
        Assert.Equal(1.0 / 24, fake1.grad!.mean().item<float>(), 5);   // d mean|a − c| / dc = 1 / numel
    }

    [Fact]
    public void MismatchedOutputCountsAreRefused()
    {
        using var a = torch.zeros(1);
        Assert.Throws<ArgumentException>(() => GanLosses.DiscriminatorLoss([a], [a, a]));
        Assert.Throws<ArgumentException>(() => GanLosses.GeneratorLoss([]));
    }
}
