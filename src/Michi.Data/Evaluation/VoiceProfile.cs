// A voice summarised without a speaker-embedding model (../shared/NOTES.md: MFCC statistics and
// median F0 told 18 TTS voices apart ≈ 93 % of the time): the mean and standard deviation of
// MFCCs c1..c20 over the voiced frames (timbre: vocal tract and recording channel) and the log of
// the median F0 (pitch register). c0, the level, is left out (Mfcc). Voiced frames are those
// PitchTracker finds periodic and loud; a recording with too few of them (noise, a whisper, an
// untrained model's output) falls back to its active frames, then to all frames, so every
// recording gets a profile and the fallback is recorded rather than hidden.
// The vector is 2·20 + 1 = 41 numbers in mixed units; VoiceSimilarity standardises them.
using Michi.Audio;

namespace Michi.Data.Evaluation;

/// <summary>Which frames a profile's statistics were taken over.</summary>
public enum ProfileFrames
{
    Voiced,
    Active,
    All,
}

public sealed record VoiceProfile(double[] MfccMean, double[] MfccStd, double MedianF0, int Frames, int UsedFrames, ProfileFrames Basis)
{
    /// <summary>MFCCs c1..c20 are summarised (c0 dropped).</summary>
    public const int Coefficients = 20;

    /// <summary>Fewer voiced frames than this (0.2 s) and the statistics fall back to active frames.</summary>
    public const int MinFrames = 20;

    /// <summary>[means (20), stds (20), ln F0 (NaN when no frame was voiced)].</summary>
    public double[] Vector => [.. MfccMean, .. MfccStd, double.IsFinite(MedianF0) ? Math.Log(MedianF0) : double.NaN];

    public static VoiceProfile Compute(float[] samples, int sampleRate, MelFilterbank? filterbank = null)
    {
        ArgumentNullException.ThrowIfNull(samples);
        float[] x = sampleRate == Mfcc.SampleRate ? samples : Resampler.Resample(samples, sampleRate, Mfcc.SampleRate);
        double[,] mfcc = Mfcc.Compute(x, Coefficients + 1, filterbank);   // (frames, 21)
        var pitch = PitchTracker.Track(x, Mfcc.SampleRate);                 // same 10 ms centred frames
        int frames = Math.Min(mfcc.GetLength(0), pitch.Frames);

        var voiced = Enumerable.Range(0, frames).Where(t => double.IsFinite(pitch.F0[t])).ToList();
        var basis = ProfileFrames.Voiced;
        var used = voiced;
        if (used.Count < MinFrames)
        {
            used = [.. Enumerable.Range(0, frames).Where(t => pitch.Active[t])];
            basis = ProfileFrames.Active;
        }
        if (used.Count < MinFrames)
        {
            used = [.. Enumerable.Range(0, frames)];
            basis = ProfileFrames.All;
        }

        var mean = new double[Coefficients];
        var std = new double[Coefficients];
        if (used.Count > 0)
            for (int k = 0; k < Coefficients; k++)
            {
                double m = used.Average(t => mfcc[t, k + 1]);
                mean[k] = m;
                std[k] = Math.Sqrt(used.Average(t => (mfcc[t, k + 1] - m) * (mfcc[t, k + 1] - m)));
            }
        var f0 = voiced.Select(t => pitch.F0[t]).Order().ToArray();
        double median = f0.Length == 0 ? double.NaN : f0.Length % 2 == 1 ? f0[f0.Length / 2] : 0.5 * (f0[f0.Length / 2 - 1] + f0[f0.Length / 2]);
        return new VoiceProfile(mean, std, median, frames, used.Count, basis);
    }
}
