// A weight-normalised, non-causal Conv1d (w = g · v / ‖v‖, Nn.WeightNorm) with symmetric
// padding, for discriminators (which see whole clips and need no causality). Parameters
// `weight_g` (C_out, 1, 1), `weight_v` (C_out, C_in, K) and `bias`, initialised like
// torch.nn.Conv1d (uniform ±1/√fan_in) with g = ‖v‖. Composed per call (training only).
// Shapes: (B, C_in, T) → (B, C_out, ⌊(T + 2·pad − K) / stride⌋ + 1).
using Michi.Model.Nn;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Michi.Training.Discriminators;

public sealed class WnConv1d : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight_g")] private readonly Parameter _weightG;
    [ComponentName(Name = "weight_v")] private readonly Parameter _weightV;
    [ComponentName(Name = "bias")] private readonly Parameter _bias;
    private readonly long _stride;
    private readonly long _padding;

    public WnConv1d(long inChannels, long outChannels, long kernel, long stride, long padding) : base(nameof(WnConv1d))
    {
        double bound = 1.0 / Math.Sqrt(inChannels * kernel);
        var v = (torch.rand(outChannels, inChannels, kernel) * (2 * bound) - bound).DetachFromDisposeScope();
        _weightG = new Parameter(WeightNorm.Magnitude(v).DetachFromDisposeScope());
        _weightV = new Parameter(v);
        _bias = new Parameter((torch.rand(outChannels) * (2 * bound) - bound).DetachFromDisposeScope());
        _stride = stride;
        _padding = padding;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var weight = WeightNorm.Compose(_weightG, _weightV);
        return F.conv1d(x, weight, _bias, stride: _stride, padding: _padding);
    }
}
