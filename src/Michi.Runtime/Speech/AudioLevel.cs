// Loudness of audio chunks as pure functions: RMS in dBFS (0 dBFS = a full-scale square wave,
// RMS 1.0). "Audible" for time-to-first-audio (DESIGN.md §6) is RMS above −40 dBFS over the
// 80 ms chunk: a chunk of quiet speech sits around −30 to −20 dBFS, room noise and a vocoder's
// idle hiss well below −40.
namespace Michi.Runtime.Speech;

public static class AudioLevel
{
    /// <summary>The audibility threshold used for time to first audio.</summary>
    public const double AudibleDbfs = -40;

    /// <summary>Returned for digital silence (RMS 0) instead of −∞.</summary>
    public const double SilenceFloorDbfs = -200;

    /// <summary>Root mean square of the samples (0 for none), in double.</summary>
    public static double Rms(ReadOnlySpan<float> samples)
    {
        if (samples.IsEmpty) return 0;
        double sum = 0;
        foreach (float s in samples) sum += (double)s * s;
        return Math.Sqrt(sum / samples.Length);
    }

    /// <summary>RMS in dBFS, at least SilenceFloorDbfs.</summary>
    public static double RmsDbfs(ReadOnlySpan<float> samples)
    {
        double rms = Rms(samples);
        return rms > 0 ? Math.Max(SilenceFloorDbfs, 20 * Math.Log10(rms)) : SilenceFloorDbfs;
    }

    public static bool IsAudible(ReadOnlySpan<float> samples, double thresholdDbfs = AudibleDbfs) => RmsDbfs(samples) > thresholdDbfs;
}
