// The rectified-flow probability path (Liu et al. 2022, "Flow Straight and Fast",
// arXiv:2209.03003; Lipman et al. 2022, "Flow Matching", arXiv:2210.02747, with σ_min = 0):
// a straight line from a noise sample x0 at τ = 0 to a data sample x1 at τ = 1,
//   x_τ = (1 − τ)·x0 + τ·x1,   target velocity  u = dx_τ/dτ = x1 − x0.
// Pure functions, no state. The source distribution is N(0, T²·I): the temperature T scales the
// noise (T = 1 in training; smaller T at inference trades variety for the most likely latents).
// Noise is drawn from the caller's generator, so a seeded generator reproduces a sample.
// Reference: facebookresearch/flow_matching path/affine.py (CondOTProbPath).
//
// Shapes: N samples, D latent dimension; τ is (N) or broadcastable to (N, 1).
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Flow;

public static class RectifiedFlowPath
{
    /// <summary>x_τ = (1 − τ)·x0 + τ·x1. <paramref name="tau"/> is a scalar tensor, (N) or (N, 1).</summary>
    public static Tensor Interpolate(Tensor x0, Tensor x1, Tensor tau)
    {
        using var t = Column(tau, x1);                 // (N, 1) or scalar
        using var toward = x1 - x0;                    // (N, D)
        using var step = toward * t;
        return x0 + step;                              // (N, D)
    }

    /// <summary>The velocity of the straight path, x1 − x0, the same at every τ.</summary>
    public static Tensor TargetVelocity(Tensor x0, Tensor x1) => x1 - x0;

    /// <summary>A draw from the source N(0, temperature²·I). With a generator the draw is made on
    /// the generator's device (CPU unless it says otherwise) and moved, so one seeded CPU generator
    /// gives the same noise whatever device the model runs on.</summary>
    public static Tensor SampleSource(long[] shape, double temperature, ScalarType dtype, Device device, Generator? rng = null)
    {
        if (!(temperature >= 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be finite and ≥ 0");
        Tensor noise = rng is null
            ? torch.randn(shape, dtype: ScalarType.Float32, device: device)
            : torch.randn(shape, dtype: ScalarType.Float32, device: rng.device, generator: rng);
        if (temperature != 1.0) noise.mul_(temperature);
        if (noise.device == device && noise.dtype == dtype) return noise;
        using (noise) return noise.to(dtype, device);
    }

    /// <summary>τ ~ U[0, 1), (N), drawn like <see cref="SampleSource"/>.</summary>
    public static Tensor SampleTime(long count, ScalarType dtype, Device device, Generator? rng = null)
    {
        Tensor tau = rng is null
            ? torch.rand([count], dtype: ScalarType.Float32, device: device)
            : torch.rand([count], dtype: ScalarType.Float32, device: rng.device, generator: rng);
        if (tau.device == device && tau.dtype == dtype) return tau;
        using (tau) return tau.to(dtype, device);
    }

    // τ as a column that broadcasts over the latent dimension.
    private static Tensor Column(Tensor tau, Tensor like) =>
        tau.dim() == 1 && like.dim() > 1 ? tau.unsqueeze(-1) : tau.alias();
}
