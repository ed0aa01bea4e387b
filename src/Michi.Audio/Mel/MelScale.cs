// Hz ↔ mel conversions, as librosa.hz_to_mel / mel_to_hz / mel_frequencies compute them.
// Slaney (Auditory Toolbox; librosa's default, htk=False): linear below 1 kHz at 3 mel per
// 200 Hz (so 1000 Hz = 15 mel), logarithmic above with 27 mel per factor 6.4.
// HTK: mel = 2595 · log10(1 + hz / 700) (1000 Hz ≈ 999.99 mel).
// References: M. Slaney, "Auditory Toolbox" v2 (1998), Interval Research TR 1998-010;
// S. Young et al., "The HTK Book"; librosa 0.10 librosa/core/convert.py.
using System.Text.Json.Serialization;

namespace Michi.Audio;

/// <summary>Which mel scale maps frequencies to mels.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MelScale>))]
public enum MelScale
{
    /// <summary>Slaney's Auditory Toolbox scale (librosa htk=False).</summary>
    Slaney,

    /// <summary>2595·log10(1 + f/700) (librosa htk=True).</summary>
    Htk,
}

/// <summary>How filterbank rows are normalised.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MelNorm>))]
public enum MelNorm
{
    /// <summary>Each triangle scaled by 2 / (its width in Hz): constant energy per band (librosa norm="slaney").</summary>
    Slaney,

    /// <summary>Triangles peak at 1 (librosa norm=None).</summary>
    None,
}

/// <summary>Hz ↔ mel conversions for both scales.</summary>
public static class MelConversion
{
    const double SlaneyHzPerMel = 200.0 / 3;   // linear part
    const double SlaneyBreakHz = 1000.0;       // start of the log part
    const double SlaneyBreakMel = SlaneyBreakHz / SlaneyHzPerMel; // 15
    static readonly double SlaneyLogStep = Math.Log(6.4) / 27.0;

    public static double HzToMel(double hz, MelScale scale) => scale switch
    {
        MelScale.Htk => 2595.0 * Math.Log10(1.0 + hz / 700.0),
        _ => hz >= SlaneyBreakHz
            ? SlaneyBreakMel + Math.Log(hz / SlaneyBreakHz) / SlaneyLogStep
            : hz / SlaneyHzPerMel,
    };

    public static double MelToHz(double mel, MelScale scale) => scale switch
    {
        MelScale.Htk => 700.0 * (Math.Pow(10.0, mel / 2595.0) - 1.0),
        _ => mel >= SlaneyBreakMel
            ? SlaneyBreakHz * Math.Exp(SlaneyLogStep * (mel - SlaneyBreakMel))
            : SlaneyHzPerMel * mel,
    };

    /// <summary><paramref name="count"/> frequencies (Hz) evenly spaced in mel from fMin to fMax, both
    /// included (librosa.mel_frequencies).</summary>
    public static double[] MelFrequencies(int count, double fMin, double fMax, MelScale scale)
    {
        double lo = HzToMel(fMin, scale), hi = HzToMel(fMax, scale);
        var hz = new double[count];
        for (int i = 0; i < count; i++)
        {
            // numpy.linspace: lo + i·step, with the last point exactly hi.
            double mel = count == 1 ? lo : i == count - 1 ? hi : lo + i * ((hi - lo) / (count - 1));
            hz[i] = MelToHz(mel, scale);
        }
        return hz;
    }
}
