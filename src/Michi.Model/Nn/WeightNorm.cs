// Weight normalisation (Salimans & Kingma 2016, arXiv:1602.07868): a weight is stored as a
// direction v and a per-output magnitude g, and used as w = g · v / ‖v‖, the norm taken over
// every dimension but the first (torch.nn.utils.weight_norm with dim=0). TorchSharp has no
// weight_norm, so layers hold the two parameters themselves under the names that function
// gives them, `weight_g` (C_out, 1, 1) and `weight_v` (C_out, C_in, K): the names HiFi-GAN,
// BigVGAN and most released vocoder checkpoints use, flat (the newer
// `parametrizations.weight.original0/1` names nest a module that has no other purpose here).
// Inference folds g and v once: see FoldedWeight.
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Nn;

public static class WeightNorm
{
    /// <summary>w = g · v / ‖v‖ with ‖·‖ over dims 1.. (v (C_out, ...), g (C_out, 1, ...)).</summary>
    public static Tensor Compose(Tensor g, Tensor v)
    {
        using var norm = Magnitude(v);
        using var scale = g / norm;
        return v * scale;
    }

    /// <summary>‖v‖ over every dim but 0, keeping dims: the g that makes w = v (used at init).</summary>
    public static Tensor Magnitude(Tensor v)
    {
        long[] dims = Enumerable.Range(1, (int)v.dim() - 1).Select(d => (long)d).ToArray();
        return torch.linalg.vector_norm(v, 2, dims, keepdim: true);
    }
}
