using Michi.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Michi.Training.Tests.Training;

public class AdamWOptimizerTests
{
    [Fact]
    public void UpdatesMatchTorchAdamW()
    {
        torch.manual_seed(7);
        using var init = torch.randn(5, 3);
        using var a = new Parameter(init.clone());
        using var b = new Parameter(init.clone());
        var ours = new AdamWOptimizer([("w", a)], new AdamWOptions(0.8, 0.99, 1e-8, 0.01));
        var theirs = torch.optim.AdamW([b], lr: 2e-3, beta1: 0.8, beta2: 0.99, eps: 1e-8, weight_decay: 0.01);
        for (int step = 0; step < 6; step++)
        {
            using var grad = torch.randn(5, 3) * (step + 1);
            foreach (var p in new[] { a, b })
            {
                using var loss = (p * grad).sum();
                p.grad?.zero_();
                loss.backward();
            }
            ours.Step(2e-3);
            theirs.step();
        }
        using var diff = (a - b).abs().max();
        Assert.True(diff.item<float>() < 1e-6f, $"max |Δ| = {diff.item<float>()}");
        using var moved = (a - init).abs().max();
        Assert.True(moved.item<float>() > 1e-3f);
        ours.Dispose();
    }

    [Fact]
    public void StateRoundTripsThroughNamedTensors()
    {
        torch.manual_seed(8);
        using var p1 = new Parameter(torch.randn(4));
        using var p2 = new Parameter(p1.detach().clone());
        using var first = new AdamWOptimizer([("p", p1)], new AdamWOptions());
        using var grad = torch.randn(4);
        p1.grad = grad.clone();
        first.Step(1e-2);
        first.Step(1e-2);
        var saved = first.StateTensors("g.").ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        Assert.Equal(["g.exp_avg.p", "g.exp_avg_sq.p"], saved.Keys.Order());

        using var second = new AdamWOptimizer([("p", p2)], new AdamWOptions());
        using (torch.no_grad()) p2.copy_(p1);
        second.LoadState(saved.ContainsKey, n => saved[n].clone(), saved.Keys, "g.", first.Steps, "test");
        p2.grad = grad.clone();
        first.Step(1e-2);
        second.Step(1e-2);
        Assert.Equal(0f, (p1 - p2).abs().max().item<float>());
        Assert.Throws<InvalidInputException>(() =>
        {
            second.LoadState(_ => true, _ => torch.zeros(4), ["g.exp_avg.unknown"], "g.", 1, "test");
        });
    }
}
