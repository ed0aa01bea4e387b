// How the codec's latent space is shaped for generation: a VAE posterior. The encoder predicts
// a mean and a log-variance per latent channel; training decodes a sample
// z = μ + σ·ε and adds β·KL(q(z|x) ‖ N(0, I)) to the loss; inference (encoding for the
// backbone, resynthesis) uses the mean. Why a VAE rather than noise injection + tanh
// bounding: the KL term keeps every channel near unit scale and centred (the scale the
// speak head's flow starts from, N(0, I)), and the decoder learns to accept a whole
// neighbourhood of each mean, so the space is smooth where the speak head's samples land;
// a fixed-noise tanh bottleneck instead invites means pushed to ±1 (saturated, nearly
// discrete) with vanishing gradients. The KL weight β belongs to training (small, e.g.
// 1e-3 … 1e-2, as in latent-diffusion VAEs). Log-variances are clamped to [−30, 20] (the
// Stable Diffusion / CALM range) so exp() never overflows early in training.
// References: Kingma & Welling 2014 (arXiv:1312.6114); Rouard et al. 2025 "Continuous Audio
// Language Models" (CALM, arXiv:2509.06926) — a VAE-regularised Mimi for continuous LMs.
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Codec;

public static class LatentPosterior
{
    public const double LogVarMin = -30.0;
    public const double LogVarMax = 20.0;

    /// <summary>z = μ + exp(½·logσ²)·ε, ε ~ N(0, I) (drawn from <paramref name="generator"/> if given).</summary>
    public static Tensor Sample(Tensor mean, Tensor logVar, Generator? generator = null)
    {
        using var std = (logVar * 0.5).exp_();
        using var noise = torch.randn(mean.shape, dtype: mean.dtype, device: mean.device, generator: generator);
        using var scaled = std * noise;
        return mean + scaled;
    }

    /// <summary>KL(N(μ, σ²) ‖ N(0, 1)) averaged over every element: ½·mean(μ² + σ² − 1 − logσ²).</summary>
    public static Tensor KlDivergence(Tensor mean, Tensor logVar)
    {
        using var variance = logVar.exp();
        using var meanSquare = mean.square();
        using var sum = meanSquare + variance - 1.0 - logVar;
        using var average = sum.mean();
        return average * 0.5;
    }
}
