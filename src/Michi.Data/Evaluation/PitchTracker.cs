// Fundamental frequency (F0) per frame with the YIN estimator, for the voice-similarity measure
// (VoiceProfile: median F0 over voiced frames) of `michi eval speech`. Pure managed code, no
// pitch library: the steps of the paper, on frames centred every hop like LogMel's (frame t is
// centred on sample t·hop, zeros outside the signal), so pitch and MFCC frames line up:
//   1. difference      d(τ) = Σ_{j<W} (x[j] − x[j+τ])²,  τ = 1..τmax (τmax = rate / MinHz);
//   2. normalisation   d'(τ) = d(τ) · τ / Σ_{k=1..τ} d(k),  d'(0) = 1, which removes the dip
//                      at τ = 0 and makes one threshold work at any level;
//   3. absolute threshold: the first τ ≥ τmin with d'(τ) < Threshold, followed down to its
//      local minimum (the first dip is the period, not a multiple of it: fewer octave errors);
//      no dip below it: the global minimum;
//   4. parabolic interpolation of d' around that τ for a sub-sample period.
// A frame is voiced when its dip is below VoicingThreshold and it is loud: RMS above
// max(SilenceDbfs, (95th-percentile frame RMS) − ActiveRangeDb), so quiet breaths and a
// recording's noise floor never count, whatever the engine's output level.
// Reference: A. de Cheveigné, H. Kawahara, "YIN, a fundamental frequency estimator for speech
// and music", JASA 111(4), 2002 (steps 1–5; step 6, the local best estimate, is left out).
namespace Michi.Data.Evaluation;

public sealed record PitchTrackerOptions
{
    public double MinHz { get; init; } = 60;
    public double MaxHz { get; init; } = 500;

    /// <summary>Frame step; 10 ms matches Mfcc's default hop.</summary>
    public double HopSeconds { get; init; } = 0.010;

    /// <summary>Integration window W (at least one period of MinHz is used when longer).</summary>
    public double WindowSeconds { get; init; } = 0.025;

    /// <summary>YIN's absolute threshold on d' (0.1–0.15 in the paper).</summary>
    public double Threshold { get; init; } = 0.1;

    /// <summary>A frame whose best d' is above this is unvoiced (noise, fricatives).</summary>
    public double VoicingThreshold { get; init; } = 0.25;

    public double SilenceDbfs { get; init; } = -60;

    /// <summary>Frames this far below the loud (95th-percentile) frames are not active.</summary>
    public double ActiveRangeDb { get; init; } = 35;

    public static PitchTrackerOptions Default { get; } = new();
}

/// <summary>One F0 value per frame (NaN where unvoiced) and whether each frame is loud enough to
/// count as speech at all.</summary>
public sealed record PitchTrack(double[] F0, bool[] Active, double HopSeconds)
{
    public int Frames => F0.Length;

    /// <summary>Median F0 of the voiced frames; NaN when none is voiced.</summary>
    public double MedianF0()
    {
        var voiced = F0.Where(double.IsFinite).Order().ToArray();
        if (voiced.Length == 0) return double.NaN;
        int mid = voiced.Length / 2;
        return voiced.Length % 2 == 1 ? voiced[mid] : 0.5 * (voiced[mid - 1] + voiced[mid]);
    }
}

public static class PitchTracker
{
    public static PitchTrack Track(ReadOnlySpan<float> samples, int sampleRate, PitchTrackerOptions? options = null)
    {
        var o = options ?? PitchTrackerOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1);
        if (!(o.MinHz > 0 && o.MaxHz > o.MinHz && o.MaxHz < sampleRate / 2.0))
            throw new ArgumentException($"pitch range must satisfy 0 < MinHz < MaxHz < rate / 2 (got {o.MinHz}..{o.MaxHz} Hz at {sampleRate} Hz)");
        int hop = Math.Max(1, (int)Math.Round(o.HopSeconds * sampleRate));
        int tauMin = Math.Max(2, (int)Math.Floor(sampleRate / o.MaxHz));
        int tauMax = (int)Math.Ceiling(sampleRate / o.MinHz);
        int window = Math.Max(tauMax, (int)Math.Round(o.WindowSeconds * sampleRate));
        int span = window + tauMax + 1;   // samples one frame reads
        int frames = samples.Length == 0 ? 0 : 1 + samples.Length / hop;

        double[] rms = new double[frames];
        for (int t = 0; t < frames; t++) rms[t] = FrameRms(samples, t * hop - window / 2, window);
        double loud = frames == 0 ? 0 : Percentile(rms, 0.95);
        double floor = Math.Max(Math.Pow(10, o.SilenceDbfs / 20), loud * Math.Pow(10, -o.ActiveRangeDb / 20));

        var f0 = new double[frames];
        var active = new bool[frames];
        var x = new double[span];
        var d = new double[tauMax + 2];
        for (int t = 0; t < frames; t++)
        {
            f0[t] = double.NaN;
            active[t] = rms[t] > floor && rms[t] > 0;
            if (!active[t]) continue;
            int start = t * hop - span / 2;
            for (int i = 0; i < span; i++)
            {
                long k = (long)start + i;
                x[i] = k >= 0 && k < samples.Length ? samples[(int)k] : 0;
            }
            double? period = Period(x, window, tauMin, tauMax, d, o);
            if (period is { } p) f0[t] = sampleRate / p;
        }
        return new PitchTrack(f0, active, (double)hop / sampleRate);
    }

    /// <summary>YIN steps 1–4 on one frame <paramref name="x"/> (window + τmax + 1 samples); the
    /// period in samples, or null when unvoiced. <paramref name="d"/> is scratch (τmax + 2).</summary>
    static double? Period(double[] x, int window, int tauMin, int tauMax, double[] d, PitchTrackerOptions o)
    {
        // d'(τ) in place: difference, then cumulative-mean normalisation.
        d[0] = 1;
        double running = 0;
        for (int tau = 1; tau <= tauMax + 1; tau++)
        {
            double sum = 0;
            for (int j = 0; j < window; j++)
            {
                double diff = x[j] - x[j + tau];
                sum += diff * diff;
            }
            running += sum;
            d[tau] = running > 0 ? sum * tau / running : 1;
        }

        int best = -1;
        for (int tau = tauMin; tau <= tauMax; tau++)
        {
            if (d[tau] >= o.Threshold) continue;
            while (tau + 1 <= tauMax && d[tau + 1] < d[tau]) tau++;
            best = tau;
            break;
        }
        if (best < 0)
        {
            best = tauMin;
            for (int tau = tauMin + 1; tau <= tauMax; tau++)
                if (d[tau] < d[best]) best = tau;
        }
        if (d[best] > o.VoicingThreshold) return null;

        // Parabola through (τ−1, τ, τ+1): vertex offset (a − c) / (2(a − 2b + c)).
        double a = d[best - 1], b = d[best], c = d[best + 1];
        double curvature = a - 2 * b + c;
        double shift = curvature > 0 ? 0.5 * (a - c) / curvature : 0;
        return best + Math.Clamp(shift, -0.5, 0.5);
    }

    static double FrameRms(ReadOnlySpan<float> samples, int start, int length)
    {
        double sum = 0;
        int from = Math.Max(0, start), to = Math.Min(samples.Length, start + length);
        for (int i = from; i < to; i++) sum += (double)samples[i] * samples[i];
        return Math.Sqrt(sum / length);
    }

    static double Percentile(double[] values, double q)
    {
        var sorted = values.Order().ToArray();
        return sorted[(int)Math.Clamp(Math.Round(q * (sorted.Length - 1)), 0, sorted.Length - 1)];
    }
}
