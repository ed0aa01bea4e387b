// One residual block of the speak head, modulated by the condition (adaptive LayerNorm, DiT's
// "adaLN-Zero"): the condition y gives a shift, a scale and a gate per channel,
//   h = MLP(LN(x)·(1 + scale) + shift),   x ← x + gate·h.
// The modulation layer starts at zero (MAR / DiT initialisation), so every block starts as the
// identity and the head as a whole starts from a plain function of its input projection.
// State-dict names follow MAR's ResBlock: in_ln, mlp.0, mlp.2, adaLN_modulation.1.
// References: Peebles & Xie 2023 "DiT" (arXiv:2212.09748); Li et al. 2024 "MAR"
// (arXiv:2406.11838) diffloss.py ResBlock.
//
// Shapes: x (N, W), y (N, W) → (N, W).
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Michi.Model.Flow;

public sealed class AdaLnResBlock : nn.Module
{
    [ComponentName(Name = "in_ln")] private readonly LayerNorm _norm;
    [ComponentName(Name = "mlp")] private readonly Sequential _mlp;
    [ComponentName(Name = "adaLN_modulation")] private readonly Sequential _modulation;
    private readonly Linear _modulationLinear;
    private readonly long _width;

    public AdaLnResBlock(long width, ScalarType dtype, Device device) : base(nameof(AdaLnResBlock))
    {
        _width = width;
        _norm = nn.LayerNorm(width, eps: 1e-6, device: device, dtype: dtype);
        _mlp = nn.Sequential(
            ("0", nn.Linear(width, width, hasBias: true, device: device, dtype: dtype)),
            ("1", nn.SiLU()),
            ("2", nn.Linear(width, width, hasBias: true, device: device, dtype: dtype)));
        _modulationLinear = nn.Linear(width, 3 * width, hasBias: true, device: device, dtype: dtype);
        _modulation = nn.Sequential(("0", nn.SiLU()), ("1", _modulationLinear));
        RegisterComponents();
    }

    internal Linear Modulation => _modulationLinear;

    public Tensor Forward(Tensor x, Tensor y)
    {
        using var mod = _modulation.forward(y);                       // (N, 3W)
        var chunks = mod.split(_width, 1);                            // 3 × (N, W)
        using var shift = chunks[0];
        using var scale = chunks[1];
        using var gate = chunks[2];
        using var normed = _norm.forward(x);
        using var modulated = Modulate(normed, shift, scale);
        using var h = _mlp.forward(modulated);                        // (N, W)
        using var gated = gate * h;
        return x + gated;
    }

    /// <summary>x·(1 + scale) + shift.</summary>
    internal static Tensor Modulate(Tensor x, Tensor shift, Tensor scale)
    {
        using var onePlus = scale + 1.0;
        using var scaled = x * onePlus;
        return scaled + shift;
    }
}
