// A weight-normalised Conv2d (w = g · v / ‖v‖, Nn.WeightNorm), as HiFi-GAN's discriminators
// use (torch.nn.utils.weight_norm). Parameters `weight_g` (C_out, 1, 1, 1), `weight_v`
// (C_out, C_in, kh, kw) and `bias`, initialised like torch.nn.Conv2d (uniform ±1/√fan_in)
// with g = ‖v‖. Discriminators run only in training, so the weight is composed per call.
// A single-input-channel, unstrided conv (the MRD's first, on the magnitude spectrogram) whose
// input needs a gradient (the generator update) is computed as a Conv1d along W over the
// kernel's kh shifted rows taken as channels: the same sums of products (up to float summation
// order) and the same parameters, because LibTorch's CPU Conv2d backward to a 1-channel input
// is slow. Measured here (1 thread, 8 × (1, 513 × 49 | 1025 × 25 | 257 × 98), kernel (3, 9),
// 8 channels, forward + input gradient): Conv2d ≈ 45 / 45 / 25 ms, rows ≈ 30 / 28 / 17 ms.
// Without an input gradient (the discriminator update) Conv2d is the faster one (≈ 7 vs 10 ms).
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
    private readonly bool _asRows;   // C_in = 1, stride (1, 1): with an input gradient, a Conv1d over shifted rows

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
        _asRows = inChannels == 1 && stride == (1, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var weight = WeightNorm.Compose(_weightG, _weightV);
        if (_asRows && x.requires_grad && x.dim() == 4) return RowsConv(x, weight);
        return F.conv2d(x, weight, _bias, strides: [_stride.Item1, _stride.Item2], padding: [_padding.Item1, _padding.Item2]);
    }

    /// <summary>Conv2d of a 1-channel input with stride 1 as a Conv1d: x (B, 1, H, W), weight (C_out, 1, kh, kw).</summary>
    private Tensor RowsConv(Tensor x, Tensor weight)
    {
        long batch = x.shape[0], height = x.shape[2], width = x.shape[3];
        long outChannels = weight.shape[0], kh = weight.shape[2], kw = weight.shape[3];
        long outHeight = height + 2 * _padding.Item1 - kh + 1;
        using var scope = torch.NewDisposeScope();
        var padded = F.pad(x.squeeze(1), [0, 0, _padding.Item1, _padding.Item1]);                  // (B, H + 2·ph, W), zeros
        var shifted = Enumerable.Range(0, (int)kh).Select(i => padded.narrow(1, i, outHeight)).ToArray();
        var rows = torch.stack(shifted, 2).view(batch * outHeight, kh, width);                      // (B·H', kh, W)
        var y = F.conv1d(rows, weight.view(outChannels, kh, kw), _bias, padding: _padding.Item2);   // (B·H', C_out, W')
        return y.view(batch, outHeight, outChannels, -1).permute(0, 2, 1, 3).contiguous()          // (B, C_out, H', W')
            .MoveToOuterDisposeScope();
    }
}
