// Root-mean-square layer norm (no mean subtraction, no bias): y = w · x / sqrt(mean(x²) + eps).
// As in transformers' LlamaRMSNorm, the statistics are taken in float32 whatever the compute
// dtype, and the result is cast back before the weight multiply. (TorchSharp has no RMSNorm.)
// Reference: Zhang & Sennrich 2019 "Root Mean Square Layer Normalization" (arXiv:1910.07467).
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Michi.Model.Backbone;

public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")] private readonly Parameter _weight;
    private readonly double _eps;

    public RmsNorm(long size, double eps, ScalarType dtype, Device device) : base(nameof(RmsNorm))
    {
        _weight = new Parameter(torch.ones(size, dtype: dtype, device: device));
        _eps = eps;
        RegisterComponents();
    }

    /// <summary>(..., C) → (..., C), same dtype as x.</summary>
    public override Tensor forward(Tensor x)
    {
        bool upcast = x.dtype != ScalarType.Float32;
        var xf = upcast ? x.to(ScalarType.Float32) : x;
        try
        {
            using var square = xf.square();
            using var meanSquare = square.mean([-1], keepdim: true);        // (..., 1)
            using var inverseRms = (meanSquare + _eps).rsqrt_();
            using var normed = xf * inverseRms;                             // (..., C) float32
            if (!upcast) return _weight * normed;
            using var cast = normed.to(x.dtype);
            return _weight * cast;
        }
        finally
        {
            if (upcast) xf.Dispose();
        }
    }
}
