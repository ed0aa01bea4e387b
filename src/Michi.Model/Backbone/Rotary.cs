// Rotary position embeddings (RoPE) in Hugging Face's "rotate_half" convention: a head vector's
// first and second halves form the pairs (x_i, x_{i+D/2}) rotated by angle pos·inv_freq_i, with
// inv_freq_i = theta^(-2i/D). (The original Llama code interleaves pairs instead; HF
// checkpoints permute q/k weights to this layout, so this is the one that matches them.)
// Llama 3.1 "llama3" scaling stretches low frequencies by `factor` and blends the middle band.
// Angles and their cos/sin are computed in float64 and rounded once, so tables are as exact as
// the compute dtype allows at every position.
// Reference: Su et al. 2021 "RoFormer" (arXiv:2104.09864); transformers modeling_llama.py
// (rotate_half, apply_rotary_pos_emb) and modeling_rope_utils.py (_compute_llama3_parameters).
//
// Shapes: B batch, H heads, T positions, D head_dim.
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Backbone;

public static class Rotary
{
    /// <summary>inv_freq (D/2 values), with llama3 scaling applied when given.</summary>
    public static double[] InverseFrequencies(int headDim, double theta, RopeScaling? scaling)
    {
        if (headDim <= 0 || headDim % 2 != 0) throw new ArgumentOutOfRangeException(nameof(headDim), "head_dim must be positive and even");
        var inv = new double[headDim / 2];
        for (int i = 0; i < inv.Length; i++) inv[i] = 1.0 / Math.Pow(theta, 2.0 * i / headDim);
        if (scaling is null || scaling.Kind == "default") return inv;
        if (scaling.Kind != "llama3") throw new NotSupportedException($"rope_scaling type {scaling.Kind}");

        double oldContext = scaling.OriginalMaxPositionEmbeddings;
        double lowFreqWavelen = oldContext / scaling.LowFreqFactor;
        double highFreqWavelen = oldContext / scaling.HighFreqFactor;
        for (int i = 0; i < inv.Length; i++)
        {
            double wavelen = 2 * Math.PI / inv[i];
            if (wavelen > lowFreqWavelen) inv[i] /= scaling.Factor;          // long wavelengths: fully scaled
            else if (wavelen >= highFreqWavelen)                              // middle band: blend
            {
                double smooth = (oldContext / wavelen - scaling.LowFreqFactor) / (scaling.HighFreqFactor - scaling.LowFreqFactor);
                inv[i] = (1 - smooth) * inv[i] / scaling.Factor + smooth * inv[i];
            }
        }
        return inv;
    }

    /// <summary>cos and sin tables, each (positions, D), halves duplicated as HF does.</summary>
    public static (float[] Cos, float[] Sin) Tables(double[] invFreq, int positions)
    {
        int half = invFreq.Length, d = 2 * half;
        var cos = new float[(long)positions * d];
        var sin = new float[(long)positions * d];
        for (int p = 0; p < positions; p++)
        {
            for (int i = 0; i < half; i++)
            {
                double angle = p * invFreq[i];
                float c = (float)Math.Cos(angle), s = (float)Math.Sin(angle);
                long at = (long)p * d + i;
                cos[at] = cos[at + half] = c;
                sin[at] = sin[at + half] = s;
            }
        }
        return (cos, sin);
    }

    /// <summary>x·cos + rotate_half(x)·sin for x (B, H, T, D) and cos/sin (T, D).</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        long half = x.shape[^1] / 2;
        using var x1 = x.narrow(-1, 0, half);                // (B, H, T, D/2)
        using var x2 = x.narrow(-1, half, half);
        using var negX2 = x2.neg();
        using var rotated = torch.cat([negX2, x1], -1);       // (B, H, T, D)
        using var a = x * cos;
        using var b = rotated * sin;
        return a + b;
    }
}
