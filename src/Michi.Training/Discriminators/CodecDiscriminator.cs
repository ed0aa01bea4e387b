// All of the codec's discriminators in one module: the multi-period sub-discriminators then
// the multi-resolution STFT ones (see DiscriminatorConfig). State-dict names: `mpd.{i}.…`,
// `mrd.{j}.…`. Forward returns one DiscriminatorOutput per sub-discriminator, in that order;
// Spectra + Judge are the same forward with the parameter-free spectrograms computed separately,
// so a training step can reuse them (CodecTrainer).
// Shapes: samples (B, N) → [DiscriminatorOutput] × (periods + resolutions).
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Michi.Training.Discriminators;

public sealed class CodecDiscriminator : nn.Module<Tensor, IReadOnlyList<DiscriminatorOutput>>
{
    [ComponentName(Name = "mpd")] private readonly ModuleList<PeriodDiscriminator> _periods;
    [ComponentName(Name = "mrd")] private readonly ModuleList<ResolutionDiscriminator> _resolutions;

    public CodecDiscriminator(DiscriminatorConfig config) : base(nameof(CodecDiscriminator))
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Validate() is { } problem) throw new ArgumentException($"invalid discriminator config: {problem}", nameof(config));
        Config = config;
        _periods = new ModuleList<PeriodDiscriminator>(config.Periods.Select(p => new PeriodDiscriminator(p, config.PeriodChannels)).ToArray());
        _resolutions = new ModuleList<ResolutionDiscriminator>(
            config.Resolutions.Select(r => new ResolutionDiscriminator(r, config.ResolutionChannels, config.ResolutionFrequencyStride)).ToArray());
        RegisterComponents();
    }

    public DiscriminatorConfig Config { get; }

    /// <summary>Number of sub-discriminators (outputs per call).</summary>
    public int Count => _periods.Count + _resolutions.Count;

    public override IReadOnlyList<DiscriminatorOutput> forward(Tensor samples)
    {
        var spectra = Spectra(samples);
        try
        {
            return Judge(samples, spectra);
        }
        finally
        {
            foreach (var s in spectra) s.Dispose();
        }
    }

    /// <summary>The magnitude spectrograms the resolution sub-discriminators judge, one per resolution
    /// (B, bins_j, frames_j). Parameter-free: a training step computes them once per clip batch and
    /// passes them to each Judge call on that batch (real audio twice, generated audio twice).</summary>
    public IReadOnlyList<Tensor> Spectra(Tensor samples)
    {
        CheckSamples(samples);
        return _resolutions.Select(d => d.Spectrum(samples)).ToList();
    }

    /// <summary>forward with the resolution discriminators' spectrograms given (from Spectra of the same samples).</summary>
    public IReadOnlyList<DiscriminatorOutput> Judge(Tensor samples, IReadOnlyList<Tensor> spectra)
    {
        CheckSamples(samples);
        if (spectra.Count != _resolutions.Count)
            throw new ArgumentException($"{spectra.Count} spectrograms for {_resolutions.Count} resolution discriminators", nameof(spectra));
        var outputs = new List<DiscriminatorOutput>(Count);
        foreach (var d in _periods) outputs.Add(d.call(samples));
        for (int j = 0; j < _resolutions.Count; j++) outputs.Add(_resolutions[j].Judge(spectra[j]));
        return outputs;
    }

    private static void CheckSamples(Tensor samples)
    {
        if (samples.dim() != 2)
            throw new ArgumentException($"discriminator input must be (B, samples); got ({string.Join(", ", samples.shape)})", nameof(samples));
    }
}
