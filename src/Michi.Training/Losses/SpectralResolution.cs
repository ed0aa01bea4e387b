// One STFT resolution of the spectral losses: FFT size, hop, and mel bands for the log-mel
// term. Defaults follow HiFi-GAN (n_fft 1024, hop 256, 80 mels at 22.05 kHz) extended to three
// resolutions as in DAC and Parallel WaveGAN (hop n_fft / 4), with more mel bands where the
// frequency resolution allows them (at 512 points 128 bands would leave empty filters).
namespace Michi.Training.Losses;

public sealed record SpectralResolution(int NFft, int Hop, int NMels)
{
    /// <summary>n_fft 512 / 1024 / 2048, hop n_fft / 4, 64 / 80 / 128 mels.</summary>
    public static IReadOnlyList<SpectralResolution> Default { get; } =
    [
        new(512, 128, 64),
        new(1024, 256, 80),
        new(2048, 512, 128),
    ];

    /// <summary>The first problem with this resolution, or null.</summary>
    public string? Validate()
    {
        if (NFft < 16 || !System.Numerics.BitOperations.IsPow2(NFft)) return $"n_fft must be a power of two ≥ 16 (got {NFft})";
        if (Hop < 1 || Hop > NFft) return $"hop must be in 1..n_fft (got {Hop})";
        if (NMels < 1 || NMels > NFft / 2 + 1) return $"n_mels must be in 1..{NFft / 2 + 1} (got {NMels})";
        return null;
    }
}
