// One sub-discriminator of HiFi-GAN's multi-period discriminator: the waveform (B, N) is
// reflect-padded to a multiple of the period p and folded to (B, 1, N/p, p), so 2-D convs with
// kernels (5, 1) look at samples p apart; strided (3, 1) convs with growing channels, one
// unstrided conv, and a (3, 1) output conv. Leaky ReLU 0.1 after each conv; every activation
// and the output are feature maps.
// Reference: Kong et al. 2020 "HiFi-GAN" (arXiv:2010.05646) models.py DiscriminatorP.
// Shapes: (B, N) → logits (B, ⌈N/p/3^k⌉·p), features (B, C_i, H_i, p).
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Michi.Training.Discriminators;

public sealed class PeriodDiscriminator : nn.Module<Tensor, DiscriminatorOutput>
{
    private const double Slope = 0.1;
    [ComponentName(Name = "convs")] private readonly ModuleList<WnConv2d> _convs;
    [ComponentName(Name = "conv_post")] private readonly WnConv2d _convPost;

    public PeriodDiscriminator(int period, IReadOnlyList<int> channels) : base(nameof(PeriodDiscriminator))
    {
        Period = period;
        var layers = new List<WnConv2d>();
        long inChannels = 1;
        foreach (int c in channels)
        {
            layers.Add(new WnConv2d(inChannels, c, (5, 1), (3, 1), (2, 0)));
            inChannels = c;
        }
        layers.Add(new WnConv2d(inChannels, inChannels, (5, 1), (1, 1), (2, 0)));
        _convs = new ModuleList<WnConv2d>(layers.ToArray());
        _convPost = new WnConv2d(inChannels, 1, (3, 1), (1, 1), (1, 0));
        RegisterComponents();
    }

    public int Period { get; }

    public override DiscriminatorOutput forward(Tensor samples)
    {
        long batch = samples.shape[0], length = samples.shape[1];
        long pad = (Period - length % Period) % Period;
        using var scope = torch.NewDisposeScope();
        var x = pad == 0 ? samples : F.pad(samples.unsqueeze(1), [0, pad], PaddingModes.Reflect).squeeze(1);
        var h = x.view(batch, 1, (length + pad) / Period, Period);           // (B, 1, N/p, p)
        var features = new List<Tensor>();
        foreach (var conv in _convs)
        {
            h = F.leaky_relu(conv.call(h), Slope);                            // (B, C_i, H_i, p)
            features.Add(h);
        }
        h = _convPost.call(h);                                                // (B, 1, H, p)
        features.Add(h);
        var logits = h.flatten(1);                                            // (B, H·p)
        foreach (var f in features) f.MoveToOuterDisposeScope();
        return new DiscriminatorOutput(logits.MoveToOuterDisposeScope(), features);
    }
}
