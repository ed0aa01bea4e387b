// One sub-discriminator of UnivNet's multi-resolution STFT discriminator: the magnitude
// spectrogram (B, 1, bins, frames) goes through 2-D convs, kernel (3, 9) along (frequency,
// time) with time stride 2 (and an optional frequency stride) after the first, then a (3, 3) conv and a (3, 3) output conv; Leaky
// ReLU 0.1; every activation and the output are feature maps. The magnitude is the same
// differentiable √(re² + im² + ε) as the spectral losses; Spectrum and Judge split the two
// halves so that a training step computes each clip's spectrogram once (CodecDiscriminator.Spectra).
// References: Jang et al. 2021 "UnivNet" (arXiv:2106.07889) §3.2; BigVGAN discriminators.py
// DiscriminatorR.
// Shapes: (B, N) → logits (B, bins·frames/8), features (B, C, bins, frames_i).
using Michi.Training.Losses;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Michi.Training.Discriminators;

public sealed class ResolutionDiscriminator : nn.Module<Tensor, DiscriminatorOutput>
{
    private const double Slope = 0.1;
    // Static, so never finalised mid-call (F.leaky_relu's per-call temporary Scalar can be: see Nn/LeakyRelu.cs).
    private static readonly Scalar s_slope = Slope;
    [ComponentName(Name = "convs")] private readonly ModuleList<WnConv2d> _convs;
    [ComponentName(Name = "conv_post")] private readonly WnConv2d _convPost;
    private readonly Tensor _window;

    public ResolutionDiscriminator(StftResolution resolution, int channels, int frequencyStride = 1) : base(nameof(ResolutionDiscriminator))
    {
        Resolution = resolution;
        _convs = new ModuleList<WnConv2d>(
            new WnConv2d(1, channels, (3, 9), (1, 1), (1, 4)),
            new WnConv2d(channels, channels, (3, 9), (frequencyStride, 2), (1, 4)),
            new WnConv2d(channels, channels, (3, 9), (frequencyStride, 2), (1, 4)),
            new WnConv2d(channels, channels, (3, 9), (frequencyStride, 2), (1, 4)),
            new WnConv2d(channels, channels, (3, 3), (1, 1), (1, 1)));
        _convPost = new WnConv2d(channels, 1, (3, 3), (1, 1), (1, 1));
        RegisterComponents();
        // A constant, kept out of the state dict (registered after RegisterComponents, never as a field it scans).
        _window = torch.hann_window(resolution.Win).DetachFromDisposeScope();
    }

    public StftResolution Resolution { get; }

    public override DiscriminatorOutput forward(Tensor samples)
    {
        using var spectrum = Spectrum(samples);
        return Judge(spectrum);
    }

    /// <summary>The magnitude spectrogram this sub-discriminator judges: samples (B, N) → (B, bins, frames).
    /// It has no parameters, so a trainer may compute it once and pass it to several Judge calls.</summary>
    public Tensor Spectrum(Tensor samples)
    {
        var window = _window.device == samples.device ? _window : _window.to(samples.device);
        return SpectralLosses.Magnitude(samples, Resolution.NFft, Resolution.Hop, window);
    }

    /// <summary>The convs over a spectrogram from Spectrum: (B, bins, frames) → logits and features.</summary>
    public DiscriminatorOutput Judge(Tensor spectrum)
    {
        using var scope = torch.NewDisposeScope();
        var h = spectrum.unsqueeze(1);                                             // (B, 1, bins, frames)
        var features = new List<Tensor>();
        foreach (var conv in _convs)
        {
            h = conv.call(h).leaky_relu(s_slope);                                  // (B, C, bins, frames_i)
            features.Add(h);
        }
        h = _convPost.call(h);
        features.Add(h);
        var logits = h.flatten(1);
        foreach (var f in features) f.MoveToOuterDisposeScope();
        return new DiscriminatorOutput(logits.MoveToOuterDisposeScope(), features);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _window.Dispose();
        base.Dispose(disposing);
    }
}
