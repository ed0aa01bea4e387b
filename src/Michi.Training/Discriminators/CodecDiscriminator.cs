// All of the codec's discriminators in one module: the multi-period sub-discriminators then
// the multi-resolution STFT ones (see DiscriminatorConfig). State-dict names: `mpd.{i}.…`,
// `mrd.{j}.…`. Forward returns one DiscriminatorOutput per sub-discriminator, in that order.
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
        if (samples.dim() != 2)
            throw new ArgumentException($"discriminator input must be (B, samples); got ({string.Join(", ", samples.shape)})", nameof(samples));
        var outputs = new List<DiscriminatorOutput>(Count);
        foreach (var d in _periods) outputs.Add(d.call(samples));
        foreach (var d in _resolutions) outputs.Add(d.call(samples));
        return outputs;
    }
}
