// Shape of the vocoder (see Vocoder): HiFi-GAN's generator hyper-parameters under HiFi-GAN's
// config.json names, plus the bottleneck option and an optional iSTFT output stage
// (istft_n_fft > 0: the last stage predicts log-magnitude and phase for frames of
// hop = frame_length / Π upsample_rates samples; 0: HiFi-GAN's conv_post + tanh waveform, and
// the rates must multiply to the whole frame length). Channels halve at each upsampling.
using System.Text.Json.Serialization;

namespace Michi.Model.Codec;

public sealed record VocoderConfig
{
    [JsonPropertyName("upsample_initial_channel")] public int InitialChannels { get; init; } = 512;
    [JsonPropertyName("upsample_rates")] public IReadOnlyList<int> UpsampleRates { get; init; } = [8, 6, 5, 4, 2];

    /// <summary>Equivalent ConvTranspose1d kernels; HiFi-GAN uses twice the rate.</summary>
    [JsonPropertyName("upsample_kernel_sizes")] public IReadOnlyList<int> UpsampleKernelSizes { get; init; } = [16, 12, 10, 8, 4];

    [JsonPropertyName("resblock_kernel_sizes")] public IReadOnlyList<int> ResblockKernelSizes { get; init; } = [3, 7, 11];

    [JsonPropertyName("resblock_dilation_sizes")]
    public IReadOnlyList<IReadOnlyList<int>> ResblockDilationSizes { get; init; } = [[1, 3, 5], [1, 3, 5], [1, 3, 5]];

    /// <summary>1: HiFi-GAN ResBlock1 units; &gt; 1: SEANet bottleneck units (hidden = C / this).</summary>
    [JsonPropertyName("resblock_bottleneck")] public int ResblockBottleneck { get; init; } = 1;

    [JsonPropertyName("pre_kernel_size")] public int PreKernelSize { get; init; } = 7;
    [JsonPropertyName("post_kernel_size")] public int PostKernelSize { get; init; } = 7;
    [JsonPropertyName("activation")] public string Activation { get; init; } = Nn.Activation.LeakyReluName;

    /// <summary>0: waveform output; otherwise the iSTFT frame size (even, a multiple of the hop ≥ 2 hops).</summary>
    [JsonPropertyName("istft_n_fft")] public int IstftNFft { get; init; }

    /// <summary>0: no oscillator; otherwise the harmonic-plus-noise head (HarmonicHead) with this many
    /// harmonics of a predicted F0 added to the iSTFT output (which then models the aperiodic part).</summary>
    [JsonPropertyName("harmonics")] public int Harmonics { get; init; }

    /// <summary>Points of the harmonic head's log-amplitude envelope, evenly spaced over 0 … Nyquist.</summary>
    [JsonPropertyName("harmonic_envelope_bins")] public int HarmonicEnvelopeBins { get; init; } = 80;

    /// <summary>Phase of the harmonic head's iSTFT (aperiodic) branch: "learned" (predicted, as a
    /// plain iSTFT head) or "random" (a fixed random table: filtered noise).</summary>
    [JsonPropertyName("noise_phase")] public string NoisePhase { get; init; } = LearnedNoisePhase;

    public const string LearnedNoisePhase = "learned", RandomNoisePhase = "random";

    [JsonPropertyName("f0_min")] public double F0Min { get; init; } = 50;
    [JsonPropertyName("f0_max")] public double F0Max { get; init; } = 550;

    [JsonIgnore] public bool UsesIstft => IstftNFft > 0;
    [JsonIgnore] public bool UsesHarmonics => Harmonics > 0;
    [JsonIgnore] public long TotalUpsampling => UpsampleRates.Aggregate(1L, (a, r) => a * r);

    /// <summary>Channels after conv_pre and after each upsampling (rates + 1 values).</summary>
    [JsonIgnore]
    public IReadOnlyList<int> ChannelsPerLevel =>
        Enumerable.Range(0, UpsampleRates.Count + 1).Select(i => InitialChannels >> Math.Min(i, 30)).ToArray();

    /// <summary>The first problem that makes this config unusable with <paramref name="frameLength"/>, or null.</summary>
    public string? Validate(int frameLength)
    {
        if (IstftNFft < 0) return $"vocoder.istft_n_fft must be 0 (none) or positive (got {IstftNFft})";
        if (InitialChannels < 1) return $"vocoder.upsample_initial_channel must be positive (got {InitialChannels})";
        if (UpsampleRates is null || UpsampleRates.Any(r => r < 1 || r > 64))
            return "vocoder.upsample_rates must be in 1..64";
        if (UpsampleKernelSizes is null || UpsampleKernelSizes.Count != UpsampleRates.Count)
            return $"vocoder.upsample_kernel_sizes must have one entry per rate ({UpsampleRates.Count})";
        if (UpsampleKernelSizes.Any(k => k < 1 || k > 256)) return "vocoder.upsample_kernel_sizes must be in 1..256";
        if (ChannelsPerLevel[^1] < 1)
            return $"vocoder.upsample_initial_channel {InitialChannels} halves to zero over {UpsampleRates.Count} upsamplings";
        if (ResblockKernelSizes is null || ResblockKernelSizes.Count == 0) return "vocoder.resblock_kernel_sizes must not be empty";
        if (ResblockKernelSizes.Any(k => k < 1 || k > 63)) return "vocoder.resblock_kernel_sizes must be in 1..63";
        if (ResblockDilationSizes is null || ResblockDilationSizes.Count != ResblockKernelSizes.Count)
            return $"vocoder.resblock_dilation_sizes must have one list per kernel size ({ResblockKernelSizes.Count})";
        if (ResblockDilationSizes.Any(l => l is null || l.Count == 0 || l.Any(d => d < 1 || d > 1024)))
            return "vocoder.resblock_dilation_sizes lists must be non-empty, values in 1..1024";
        if (ResblockBottleneck < 1) return $"vocoder.resblock_bottleneck must be positive (got {ResblockBottleneck})";
        if (ChannelsPerLevel.Skip(1).Any(c => c % ResblockBottleneck != 0))
            return $"vocoder channels [{string.Join(", ", ChannelsPerLevel)}] must be divisible by resblock_bottleneck {ResblockBottleneck}";
        if (PreKernelSize < 1 || PreKernelSize > 63) return $"vocoder.pre_kernel_size must be in 1..63 (got {PreKernelSize})";
        if (PostKernelSize < 1 || PostKernelSize > 63) return $"vocoder.post_kernel_size must be in 1..63 (got {PostKernelSize})";
        if (!Nn.Activation.Names.Contains(Activation))
            return $"vocoder.activation \"{Activation}\" is unknown (known: {string.Join(", ", Nn.Activation.Names)})";
        if (Harmonics < 0 || Harmonics > 1024) return $"vocoder.harmonics must be in 0..1024 (got {Harmonics})";
        if (UsesHarmonics)
        {
            if (!UsesIstft) return "vocoder.harmonics needs istft_n_fft > 0 (the iSTFT models the aperiodic part)";
            if (HarmonicEnvelopeBins < 2 || HarmonicEnvelopeBins > 4096)
                return $"vocoder.harmonic_envelope_bins must be in 2..4096 (got {HarmonicEnvelopeBins})";
            if (NoisePhase is not (LearnedNoisePhase or RandomNoisePhase))
                return $"vocoder.noise_phase must be \"{LearnedNoisePhase}\" or \"{RandomNoisePhase}\" (got \"{NoisePhase}\")";
            if (!(F0Min >= 1 && F0Max > F0Min && F0Max <= 20000))
                return $"vocoder.f0_min and f0_max must satisfy 1 ≤ f0_min < f0_max ≤ 20000 (got {F0Min}, {F0Max})";
        }
        if (frameLength % TotalUpsampling != 0)
            return $"vocoder.upsample_rates multiply to {TotalUpsampling}, which does not divide frame_length {frameLength}";
        long hop = frameLength / TotalUpsampling;
        if (!UsesIstft)
            return hop == 1 ? null : $"vocoder.upsample_rates multiply to {TotalUpsampling}, not frame_length {frameLength} (set istft_n_fft for an iSTFT stage)";
        if (IstftNFft % 2 != 0 || IstftNFft % hop != 0 || IstftNFft < 2 * hop || IstftNFft > 1 << 16)
            return $"vocoder.istft_n_fft {IstftNFft} must be even, a multiple of the hop {hop} and at least two hops";
        return null;
    }
}
