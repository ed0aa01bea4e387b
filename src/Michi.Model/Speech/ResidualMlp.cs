// A pre-norm residual MLP block, x + W2·GELU(W1·LN(x)), with a 2× hidden expansion: the body
// of the listen text head.
//
// Shapes: (..., W) → (..., W).
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Michi.Model.Speech;

public sealed class ResidualMlp : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "norm")] private readonly LayerNorm _norm;
    [ComponentName(Name = "fc1")] private readonly Linear _fc1;
    [ComponentName(Name = "fc2")] private readonly Linear _fc2;

    public ResidualMlp(long width, ScalarType dtype, Device device) : base(nameof(ResidualMlp))
    {
        _norm = nn.LayerNorm(width, device: device, dtype: dtype);
        _fc1 = nn.Linear(width, 2 * width, hasBias: true, device: device, dtype: dtype);
        _fc2 = nn.Linear(2 * width, width, hasBias: true, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var normed = _norm.forward(x);
        using var wide = _fc1.forward(normed);
        using var activated = nn.functional.gelu(wide);
        using var back = _fc2.forward(activated);
        return x + back;
    }
}
