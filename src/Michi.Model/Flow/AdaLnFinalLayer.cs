// The speak head's output layer: a LayerNorm without its own affine parameters, modulated by
// the condition (shift, scale), then a linear map to the latent dimension. Modulation and
// output weights start at zero (MAR / DiT), so an untrained head predicts velocity 0.
// State-dict names follow MAR's FinalLayer: linear, adaLN_modulation.1 (norm_final has no
// parameters).
// Reference: Li et al. 2024 "MAR" (arXiv:2406.11838) diffloss.py FinalLayer.
//
// Shapes: x (N, W), y (N, W) → (N, D).
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Michi.Model.Flow;

public sealed class AdaLnFinalLayer : nn.Module
{
    [ComponentName(Name = "norm_final")] private readonly LayerNorm _norm;
    [ComponentName(Name = "linear")] private readonly Linear _linear;
    [ComponentName(Name = "adaLN_modulation")] private readonly Sequential _modulation;
    private readonly Linear _modulationLinear;
    private readonly long _width;

    public AdaLnFinalLayer(long width, long outDim, ScalarType dtype, Device device) : base(nameof(AdaLnFinalLayer))
    {
        _width = width;
        _norm = nn.LayerNorm(width, eps: 1e-6, elementwise_affine: false, device: device, dtype: dtype);
        _linear = nn.Linear(width, outDim, hasBias: true, device: device, dtype: dtype);
        _modulationLinear = nn.Linear(width, 2 * width, hasBias: true, device: device, dtype: dtype);
        _modulation = nn.Sequential(("0", nn.SiLU()), ("1", _modulationLinear));
        RegisterComponents();
    }

    internal Linear Modulation => _modulationLinear;
    internal Linear Output => _linear;

    public Tensor Forward(Tensor x, Tensor y)
    {
        using var mod = _modulation.forward(y);                       // (N, 2W)
        var chunks = mod.split(_width, 1);
        using var shift = chunks[0];
        using var scale = chunks[1];
        using var normed = _norm.forward(x);
        using var modulated = AdaLnResBlock.Modulate(normed, shift, scale);
        return _linear.forward(modulated);                            // (N, D)
    }
}
