// Adversarial losses of HiFi-GAN, as pure functions over the outputs of several
// sub-discriminators: least-squares GAN (Mao et al. 2017, arXiv:1611.04076) with real → 1 and
// fake → 0, summed over sub-discriminators, each term a mean over its logits; and the
// feature-matching loss, the L1 distance between the discriminator's intermediate feature maps
// on real and generated audio, summed over sub-discriminators and layers (each layer a mean).
// Real features are detached here: the generator learns to match them, never moves them.
// Reference: Kong et al. 2020 "HiFi-GAN" (arXiv:2010.05646) §2.3, models.py
// discriminator_loss / generator_loss / feature_loss.
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Training.Losses;

public static class GanLosses
{
    /// <summary>Σ_k mean((1 − D_k(x))²) + mean(D_k(G(z))²). Pass fake logits computed from a detached generator output.</summary>
    public static Tensor DiscriminatorLoss(IReadOnlyList<Tensor> realLogits, IReadOnlyList<Tensor> fakeLogits)
    {
        CheckCounts(realLogits.Count, fakeLogits.Count);
        using var scope = torch.NewDisposeScope();
        Tensor? total = null;
        for (int k = 0; k < realLogits.Count; k++)
        {
            var real = (1.0 - realLogits[k]).square().mean();
            var fake = fakeLogits[k].square().mean();
            total = total is null ? real + fake : total + real + fake;
        }
        return total!.MoveToOuterDisposeScope();
    }

    /// <summary>Σ_k mean((1 − D_k(G(z)))²).</summary>
    public static Tensor GeneratorLoss(IReadOnlyList<Tensor> fakeLogits)
    {
        if (fakeLogits.Count == 0) throw new ArgumentException("no discriminator outputs");
        using var scope = torch.NewDisposeScope();
        Tensor? total = null;
        foreach (var logits in fakeLogits)
        {
            var term = (1.0 - logits).square().mean();
            total = total is null ? term : total + term;
        }
        return total!.MoveToOuterDisposeScope();
    }

    /// <summary>Σ_k Σ_l mean|F_kl(x) − F_kl(G(z))| with the real features detached.</summary>
    public static Tensor FeatureMatching(IReadOnlyList<IReadOnlyList<Tensor>> realFeatures, IReadOnlyList<IReadOnlyList<Tensor>> fakeFeatures)
    {
        CheckCounts(realFeatures.Count, fakeFeatures.Count);
        using var scope = torch.NewDisposeScope();
        Tensor? total = null;
        for (int k = 0; k < realFeatures.Count; k++)
        {
            CheckCounts(realFeatures[k].Count, fakeFeatures[k].Count);
            for (int l = 0; l < realFeatures[k].Count; l++)
            {
                var term = (realFeatures[k][l].detach() - fakeFeatures[k][l]).abs().mean();
                total = total is null ? term : total + term;
            }
        }
        return (total ?? torch.zeros(1).squeeze()).MoveToOuterDisposeScope();
    }

    private static void CheckCounts(int real, int fake)
    {
        if (real != fake) throw new ArgumentException($"{real} real outputs but {fake} fake ones");
        if (real == 0) throw new ArgumentException("no discriminator outputs");
    }
}
