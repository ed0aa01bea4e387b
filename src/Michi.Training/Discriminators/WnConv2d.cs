// A weight-normalised Conv2d (w = g · v / ‖v‖, Nn.WeightNorm), as HiFi-GAN's discriminators
// use (torch.nn.utils.weight_norm). Parameters `weight_g` (C_out, 1, 1, 1), `weight_v`
// (C_out, C_in, kh, kw) and `bias`, initialised like torch.nn.Conv2d (uniform ±1/√fan_in)
// with g = ‖v‖. Discriminators run only in training, so the weight is composed per call.
// Shapes: (B, C_in, H, W) → (B, C_out, H', W').
using Michi.Model.Nn;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Michi.Training.Discriminators;

public sealed class WnConv2d : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight_g")] private readonly Parameter _weightG;
    [ComponentName(Name = "weight_v")] private readonly Parameter _weightV;
    [ComponentName(Name = "bias")] private readonly Parameter _bias;
    private readonly (long, long) _stride;
    private readonly (long, long) _padding;

    public WnConv2d(long inChannels, long outChannels, (long H, long W) kernel, (long H, long W) stride, (long H, long W) padding)
        : base(nameof(WnConv2d))
    {
        double bound = 1.0 / Math.Sqrt(inChannels * kernel.H * kernel.W);
        var v = (torch.rand(outChannels, inChannels, kernel.H, kernel.W) * (2 * bound) - bound).DetachFromDisposeScope();
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
        return F.conv2d(x, weight, _bias, strides: [_stride.Item1, _stride.Item2], padding: [_padding.Item1, _padding.Item2]);
    }
}
