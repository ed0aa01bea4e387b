// Mel-frequency cepstral coefficients, the spectral-envelope half of the voice-similarity
// measure (VoiceProfile). Michi.Audio's log-mel (power spectrum, 40 Slaney bands 20 Hz–8 kHz,
// 25 ms Hann window, 10 ms hop, centred frames at 16 kHz: the classic speech front end) followed
// by an orthonormal DCT-II over the bands:
//   c[k] = s(k) · Σ_m L[m] · cos(π k (m + ½) / M),  s(0) = √(1/M), s(k>0) = √(2/M),
// which is librosa.feature.mfcc(dct_type=2, norm="ortho") except that L is the natural log
// rather than 10·log10 (a constant factor on every coefficient; the similarity measure
// standardises each dimension, so it does not matter). c0 is the frame's overall level; the
// voice measure leaves it out because engines and models differ in loudness, not only in voice.
// Reference: S. Davis, P. Mermelstein (1980); librosa 0.10 librosa/feature/spectral.py `mfcc`.
using Michi.Audio;

namespace Michi.Data.Evaluation;

public static class Mfcc
{
    /// <summary>The rate the features are computed at (callers resample to it).</summary>
    public const int SampleRate = 16000;

    /// <summary>The mel front end: power, 40 bands to 8 kHz, 10 ms hop (PitchTracker's default).</summary>
    public static MelConfig MelSettings { get; } = new()
    {
        SampleRate = SampleRate, NFft = 512, HopLength = 160, WinLength = 400, NMels = 40, FMin = 20, FMax = 8000,
        Power = 2, LogFloor = 1e-10,
    };

    /// <summary>(frames, coefficients) MFCCs c0..c(coefficients−1) of 16 kHz samples.</summary>
    public static double[,] Compute(ReadOnlySpan<float> samples16k, int coefficients = 21, MelFilterbank? filterbank = null)
    {
        var bank = filterbank ?? MelFilterbank.Create(MelSettings);
        if (bank.Config.SampleRate != SampleRate) throw new ArgumentException($"the filterbank must be for {SampleRate} Hz", nameof(filterbank));
        int bands = bank.NMels;
        ArgumentOutOfRangeException.ThrowIfLessThan(coefficients, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(coefficients, bands);
        float[,] logMel = LogMel.Compute(samples16k, bank);   // (frames, bands)
        int frames = logMel.GetLength(0);
        double[,] dct = DctMatrix(coefficients, bands);       // (coefficients, bands)
        var output = new double[frames, coefficients];
        for (int t = 0; t < frames; t++)
            for (int k = 0; k < coefficients; k++)
            {
                double sum = 0;
                for (int m = 0; m < bands; m++) sum += dct[k, m] * logMel[t, m];
                output[t, k] = sum;
            }
        return output;
    }

    /// <summary>Orthonormal DCT-II basis, (coefficients, bands): rows are orthonormal vectors.</summary>
    public static double[,] DctMatrix(int coefficients, int bands)
    {
        var basis = new double[coefficients, bands];
        for (int k = 0; k < coefficients; k++)
        {
            double scale = Math.Sqrt((k == 0 ? 1.0 : 2.0) / bands);
            for (int m = 0; m < bands; m++) basis[k, m] = scale * Math.Cos(Math.PI * k * (m + 0.5) / bands);
        }
        return basis;
    }
}
