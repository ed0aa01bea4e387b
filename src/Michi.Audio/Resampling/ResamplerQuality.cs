// Filter design knobs of the windowed-sinc resampler. The cutoff sits at Rolloff × the lower of
// the two Nyquist frequencies, and the Kaiser window's transition band (narrower with more zero
// crossings) is centred on it, so Rolloff < 1 keeps the stop band at or below Nyquist.
// Presets follow resampy's kaiser_fast / kaiser_best spirit: Default attenuates ≥ 80 dB from
// about 0.99 × Nyquist at a cost of ~2·ZeroCrossings/Rolloff taps per output sample (downsampling
// widens that by the rate ratio).
// Reference: J. O. Smith, "Digital Audio Resampling Home Page" (bandlimited interpolation);
// J. F. Kaiser, "Nonrecursive digital filter design using the I0-sinh window function" (1974).
namespace Michi.Audio;

/// <param name="ZeroCrossings">Sinc zero crossings kept on each side of the centre tap.</param>
/// <param name="Rolloff">Cutoff as a fraction of the lower Nyquist frequency, in (0, 1].</param>
/// <param name="KaiserBeta">Kaiser window shape: larger = lower side lobes, wider transition.</param>
public sealed record ResamplerQuality(int ZeroCrossings, double Rolloff, double KaiserBeta)
{
    /// <summary>16 zero crossings, cutoff 0.85 × Nyquist, ≈ 85 dB stop band.</summary>
    public static ResamplerQuality Fast { get; } = new(16, 0.85, 8.6);

    /// <summary>32 zero crossings, cutoff 0.92 × Nyquist, ≈ 85 dB stop band.</summary>
    public static ResamplerQuality Default { get; } = new(32, 0.92, 8.6);

    /// <summary>64 zero crossings, cutoff 0.945 × Nyquist, ≈ 115 dB stop band.</summary>
    public static ResamplerQuality Best { get; } = new(64, 0.945, 12.0);

    internal void Validate()
    {
        if (ZeroCrossings is < 1 or > 1024)
            throw new ArgumentOutOfRangeException(nameof(ZeroCrossings), ZeroCrossings, "expected 1..1024");
        if (!(Rolloff > 0 && Rolloff <= 1))
            throw new ArgumentOutOfRangeException(nameof(Rolloff), Rolloff, "expected a value in (0, 1]");
        if (!(KaiserBeta >= 0 && KaiserBeta <= 50))
            throw new ArgumentOutOfRangeException(nameof(KaiserBeta), KaiserBeta, "expected 0..50");
    }
}
