// Settings of the log-mel spectrogram. Defaults are Michi's 24 kHz features: 1024-point FFT,
// hop 256, 80 Slaney-scale / Slaney-normalised mel bands from 0 to 12 kHz, magnitude (power 1),
// natural log with a 1e-5 floor, centred frames with reflect padding — the HiFi-GAN recipe.
// JSON names follow HiFi-GAN's config.json (sampling_rate, n_fft, hop_size, win_size, num_mels,
// fmin, fmax); the rest are snake_case.
// Reference: J. Kong et al., "HiFi-GAN" (2020), meldataset.py; librosa.filters.mel.
using System.Numerics;
using System.Text.Json.Serialization;

namespace Michi.Audio;

public sealed record MelConfig
{
    [JsonPropertyName("sampling_rate")] public int SampleRate { get; init; } = 24000;

    /// <summary>FFT size; a power of two (the FFT is radix-2).</summary>
    [JsonPropertyName("n_fft")] public int NFft { get; init; } = 1024;

    [JsonPropertyName("hop_size")] public int HopLength { get; init; } = 256;

    /// <summary>Periodic Hann window length, centred in the FFT frame when shorter than NFft.</summary>
    [JsonPropertyName("win_size")] public int WinLength { get; init; } = 1024;

    [JsonPropertyName("num_mels")] public int NMels { get; init; } = 80;

    [JsonPropertyName("fmin")] public double FMin { get; init; }

    /// <summary>Upper edge of the top band; null means SampleRate / 2.</summary>
    [JsonPropertyName("fmax")] public double? FMax { get; init; }

    /// <summary>The mel scale, chosen explicitly (Slaney = librosa's default, Htk = htk=True).</summary>
    [JsonPropertyName("mel_scale")] public MelScale Scale { get; init; } = MelScale.Slaney;

    [JsonPropertyName("mel_norm")] public MelNorm Norm { get; init; } = MelNorm.Slaney;

    /// <summary>Pad NFft/2 samples on each side by reflection so frame t is centred on t·hop.</summary>
    [JsonPropertyName("center")] public bool Center { get; init; } = true;

    /// <summary>Mel energies are clamped to at least this before the natural log.</summary>
    [JsonPropertyName("log_floor")] public double LogFloor { get; init; } = 1e-5;

    /// <summary>Exponent of the STFT magnitude: 1 = magnitude, 2 = power.</summary>
    [JsonPropertyName("power")] public double Power { get; init; } = 1;

    /// <summary>Michi's 24 kHz features (all defaults).</summary>
    public static MelConfig Default { get; } = new();

    [JsonIgnore] public double FMaxHz => FMax ?? SampleRate / 2.0;

    /// <summary>Frequency bins of the one-sided spectrum: NFft / 2 + 1.</summary>
    [JsonIgnore] public int NFreqs => NFft / 2 + 1;

    /// <summary>Frames for <paramref name="samples"/> samples: 1 + n / hop when centred,
    /// 1 + (n − NFft) / hop otherwise; 0 for an empty (or, uncentred, too short) signal.</summary>
    public int FrameCount(long samples)
    {
        if (samples <= 0) return 0;
        long frames = Center ? 1 + samples / HopLength : samples < NFft ? 0 : 1 + (samples - NFft) / HopLength;
        return (int)Math.Min(frames, int.MaxValue);
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistent setting.</summary>
    public void Validate()
    {
        static void Check(bool ok, string message)
        {
            if (!ok) throw new ArgumentException($"mel config: {message}");
        }
        Check(SampleRate > 0, $"sampling_rate must be positive, got {SampleRate}");
        Check(NFft >= 2 && BitOperations.IsPow2(NFft), $"n_fft must be a power of two ≥ 2 (radix-2 FFT), got {NFft}");
        Check(HopLength > 0, $"hop_size must be positive, got {HopLength}");
        Check(WinLength > 0 && WinLength <= NFft, $"win_size must be in 1..n_fft ({NFft}), got {WinLength}");
        Check(NMels > 0, $"num_mels must be positive, got {NMels}");
        Check(FMin >= 0, $"fmin must be ≥ 0, got {FMin}");
        Check(FMaxHz > FMin && FMaxHz <= SampleRate / 2.0,
            $"fmax must be in (fmin, sampling_rate/2] = ({FMin}, {SampleRate / 2.0}], got {FMaxHz}");
        Check(LogFloor > 0, $"log_floor must be positive, got {LogFloor}");
        Check(Power > 0, $"power must be positive, got {Power}");
    }
}
