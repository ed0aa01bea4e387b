// Shapes of the codec's discriminators: HiFi-GAN's multi-period discriminator (MPD: 1-D audio
// folded into 2-D by period p, so each column sees every p-th sample) and UnivNet's
// multi-resolution STFT discriminator (MRD: 2-D convs over magnitude spectrograms, as in
// BigVGAN and Vocos, which replaced HiFi-GAN's multi-scale discriminator with it). MPD checks
// periodic (pitch) structure, MRD checks spectral fine structure: together they target the
// buzzy, pitch-smeared sound of a codec trained on spectral losses alone (NOTES.md).
// Presets: Paper = HiFi-GAN V1's MPD channels and BigVGAN's MRD (GPU); Light = the same
// topology sized for this CPU: MPD channels 8…64 (the unstrided 1024-channel conv is most of
// HiFi-GAN's MPD cost), MRD with 8 channels, hops of n_fft/2 and frequency stride 2 in its
// strided convs. Measured here (1 thread, batch 8 × 1.04 s, forward + backward, shared and
// noisy machine): Light's first version (MPD 16…128 as (k, 1) Conv2d, MRD hops n_fft/4, no
// frequency stride) cost ≈ 0.6 s for MPD and ≈ 0.6 s for MRD, together 2× the small
// generator's whole spectral step (≈ 0.55 s); this one ≈ 0.25 s each. Tiny = tests. An empty period or resolution list switches that family off.
// References: Kong et al. 2020 "HiFi-GAN" (arXiv:2010.05646) §2.2; Jang et al. 2021
// "UnivNet" (arXiv:2106.07889) §3.2; Lee et al. 2022 "BigVGAN" (arXiv:2206.04658).
using System.Text.Json.Serialization;

namespace Michi.Training.Discriminators;

public sealed record StftResolution(
    [property: JsonPropertyName("n_fft")] int NFft,
    [property: JsonPropertyName("hop")] int Hop,
    [property: JsonPropertyName("win")] int Win);

public sealed record DiscriminatorConfig
{
    [JsonPropertyName("periods")] public IReadOnlyList<int> Periods { get; init; } = [2, 3, 5, 7, 11];

    /// <summary>Output channels of the MPD's strided (kernel 5 × 1, stride 3 × 1) convs; the
    /// last entry is also used by the final unstrided conv, as in HiFi-GAN.</summary>
    [JsonPropertyName("period_channels")] public IReadOnlyList<int> PeriodChannels { get; init; } = [32, 128, 512, 1024, 1024];

    [JsonPropertyName("resolutions")]
    public IReadOnlyList<StftResolution> Resolutions { get; init; } = [new(1024, 120, 600), new(2048, 240, 1200), new(512, 50, 240)];

    /// <summary>Channels of every MRD conv (UnivNet / BigVGAN use 32).</summary>
    [JsonPropertyName("resolution_channels")] public int ResolutionChannels { get; init; } = 32;

    /// <summary>Frequency stride of the MRD's three strided convs (1 in UnivNet: time stride only).</summary>
    [JsonPropertyName("resolution_frequency_stride")] public int ResolutionFrequencyStride { get; init; } = 1;

    public static DiscriminatorConfig Paper { get; } = new();

    public static DiscriminatorConfig Light { get; } = new()
    {
        PeriodChannels = [8, 16, 32, 64, 64],
        Resolutions = [new(1024, 512, 1024), new(2048, 1024, 2048), new(512, 256, 512)],
        ResolutionChannels = 8,
        ResolutionFrequencyStride = 2,
    };

    public static DiscriminatorConfig Tiny { get; } = new()
    {
        Periods = [2, 3],
        PeriodChannels = [4, 8],
        Resolutions = [new(256, 64, 256)],
        ResolutionChannels = 4,
    };

    /// <summary>"paper", "light" or "tiny", or null.</summary>
    public static DiscriminatorConfig? Preset(string name) => name.ToLowerInvariant() switch
    {
        "paper" => Paper,
        "light" => Light,
        "tiny" => Tiny,
        _ => null,
    };

    /// <summary>The first problem that makes this config unusable, or null.</summary>
    public string? Validate()
    {
        if (Periods is null || Resolutions is null) return "periods and resolutions must be lists (possibly empty)";
        if (Periods.Count == 0 && Resolutions.Count == 0) return "at least one period or one resolution is needed";
        if (Periods.Any(p => p < 1 || p > 1000)) return "periods must be in 1..1000";
        if (Periods.Count > 0 && (PeriodChannels is null || PeriodChannels.Count == 0 || PeriodChannels.Any(c => c < 1)))
            return "period_channels must list positive channel counts";
        foreach (var r in Resolutions)
            if (r.NFft < 4 || r.Hop < 1 || r.Win < 1 || r.Win > r.NFft)
                return $"resolution {r}: need n_fft ≥ 4, hop ≥ 1, 1 ≤ win ≤ n_fft";
        if (Resolutions.Count > 0 && ResolutionChannels < 1) return "resolution_channels must be positive";
        if (ResolutionFrequencyStride is < 1 or > 8) return "resolution_frequency_stride must be in 1..8";
        return null;
    }
}
