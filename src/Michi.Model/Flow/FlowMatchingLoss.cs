// The conditional flow-matching objective on the rectified-flow path (pure function):
//   x0 ~ N(0, I), τ ~ U[0, 1), x_τ = (1 − τ)·x0 + τ·x1,  L = ‖v_θ(x_τ, τ, c) − (x1 − x0)‖²,
// averaged over samples and latent channels. Each target may be drawn several times with
// fresh noise and time (MAR's diffusion_batch_mul): the head is small next to the backbone that
// produced the condition, so extra draws per frame are nearly free and lower the variance.
// References: Lipman et al. 2022 (arXiv:2210.02747) eq. 23 with σ_min = 0; Liu et al. 2022
// (arXiv:2209.03003); MAR diffloss.py.
//
// Shapes: x1 (N, D) targets, condition (N, C).
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Flow;

public static class FlowMatchingLoss
{
    /// <summary>Mean squared velocity error of <paramref name="head"/> on targets
    /// <paramref name="x1"/> (N, D) under conditions (N, C); a scalar float32 tensor.</summary>
    public static Tensor Compute(SpeakHead head, Tensor x1, Tensor condition, Generator? rng = null, int samplesPerTarget = 1)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentOutOfRangeException.ThrowIfLessThan(samplesPerTarget, 1);
        if (x1.dim() != 2 || x1.shape[1] != head.LatentDim)
            throw new ArgumentException($"targets must be (N, {head.LatentDim}), got ({string.Join(", ", x1.shape)})", nameof(x1));
        if (condition.dim() != 2 || condition.shape[0] != x1.shape[0])
            throw new ArgumentException($"condition must be ({x1.shape[0]}, C), got ({string.Join(", ", condition.shape)})", nameof(condition));
        using var scope = torch.NewDisposeScope();
        var target = x1.to(ScalarType.Float32);
        var cond = condition;
        if (samplesPerTarget > 1)
        {
            target = target.repeat(samplesPerTarget, 1);                              // (S·N, D)
            cond = cond.repeat(samplesPerTarget, 1);                                  // (S·N, C)
        }
        long n = target.shape[0];
        var x0 = RectifiedFlowPath.SampleSource([n, head.LatentDim], 1.0, ScalarType.Float32, target.device, rng);
        var tau = RectifiedFlowPath.SampleTime(n, ScalarType.Float32, target.device, rng);   // (S·N)
        var xt = RectifiedFlowPath.Interpolate(x0, target, tau);                       // (S·N, D)
        var u = RectifiedFlowPath.TargetVelocity(x0, target);                          // (S·N, D)
        var v = head.Forward(xt, tau, cond).to(ScalarType.Float32);                    // (S·N, D)
        return scope.MoveToOuter(nn.functional.mse_loss(v, u));
    }
}
