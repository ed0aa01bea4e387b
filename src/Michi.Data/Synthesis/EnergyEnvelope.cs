// Short-time energy of a signal and what it says about speech and pauses: pure functions used
// to trim word ends, to estimate word timings when an engine reports none (EnergyAligner), and
// to measure timing error against energy onsets.
// Levels are RMS in dB over rectangular 20 ms windows every 10 ms. A frame is speech when it is
// within ThresholdDb of a loud reference (the 95th percentile frame, so one click does not set it)
// and above an absolute floor; synthetic speech has near-digital silence between phrases, so a
// fixed relative threshold is reliable here (for real recordings, noise would need estimating).
namespace Michi.Data.Synthesis;

public static class EnergyEnvelope
{
    public const double HopSeconds = 0.01, WindowSeconds = 0.02;
    public const double ThresholdDb = 40, FloorDb = -70;

    /// <summary>RMS level in dB of each 10 ms hop (window centred on the hop).</summary>
    public static double[] LevelsDb(ReadOnlySpan<float> x, int sampleRate)
    {
        int hop = Math.Max(1, (int)Math.Round(HopSeconds * sampleRate));
        int half = Math.Max(1, (int)Math.Round(WindowSeconds * sampleRate / 2));
        int frames = (x.Length + hop - 1) / hop;
        var db = new double[frames];
        for (int f = 0; f < frames; f++)
        {
            int c = f * hop + hop / 2, a = Math.Max(0, c - half), b = Math.Min(x.Length, c + half);
            double sum = 0;
            for (int i = a; i < b; i++) sum += (double)x[i] * x[i];
            db[f] = 10 * Math.Log10(sum / Math.Max(1, b - a) + 1e-12);
        }
        return db;
    }

    /// <summary>Which hops are speech: within <see cref="ThresholdDb"/> of the 95th-percentile level.</summary>
    public static bool[] Active(double[] levelsDb)
    {
        if (levelsDb.Length == 0) return [];
        var sorted = (double[])levelsDb.Clone();
        Array.Sort(sorted);
        double reference = sorted[(int)(0.95 * (sorted.Length - 1))];
        double threshold = Math.Max(reference - ThresholdDb, FloorDb);
        return [.. levelsDb.Select(l => l > threshold)];
    }

    /// <summary>Speech regions (seconds), joining regions separated by less than
    /// <paramref name="minPause"/> and dropping those shorter than <paramref name="minSpeech"/>.</summary>
    public static List<(double Start, double End)> SpeechRegions(ReadOnlySpan<float> x, int sampleRate,
                                                                   double minPause = 0.1, double minSpeech = 0.03)
    {
        bool[] active = Active(LevelsDb(x, sampleRate));
        var regions = new List<(double Start, double End)>();
        int f = 0;
        while (f < active.Length)
        {
            while (f < active.Length && !active[f]) f++;
            if (f == active.Length) break;
            int a = f;
            while (f < active.Length && active[f]) f++;
            double start = a * HopSeconds, end = f * HopSeconds;
            if (regions.Count > 0 && start - regions[^1].End < minPause)
                regions[^1] = (regions[^1].Start, end);
            else
                regions.Add((start, end));
        }
        regions.RemoveAll(r => r.End - r.Start < minSpeech);
        return regions;
    }

    /// <summary>The start of the first speech hop in [start, end), or end when there is none.</summary>
    public static double FirstActive(bool[] active, double start, double end)
    {
        int b = Math.Min(active.Length, (int)Math.Ceiling(end / HopSeconds - 1e-9));
        for (int f = Math.Max(0, (int)Math.Floor(start / HopSeconds + 1e-9)); f < b; f++)
            if (active[f]) return Math.Max(start, f * HopSeconds);
        return end;
    }

    /// <summary>Pulls a word's span in from silence at either edge that is at least
    /// <paramref name="minSilence"/> long (always at the utterance's first word's start and last
    /// word's end): an aligner may hang a pause on a word, but a short stop closure inside the
    /// span is part of the word and is kept.</summary>
    public static WordTiming[] TrimSilentEdges(WordTiming[] words, bool[] active, double minSilence = 0.1)
    {
        var result = (WordTiming[])words.Clone();
        for (int i = 0; i < result.Length; i++)
        {
            var (s, e) = (result[i].Start, result[i].End);
            if (e <= s) continue;
            double firstSound = FirstActive(active, s, e);
            if (firstSound >= e) continue; // all silence: leave it to the caller's data
            if (i == 0 || firstSound - s >= minSilence) s = firstSound;
            double lastSound = TrimEnd(active, s, e);
            if (i == result.Length - 1 || e - lastSound >= minSilence) e = Math.Max(s, lastSound);
            result[i] = result[i] with { Start = s, End = e };
        }
        return result;
    }

    /// <summary>The end of the last speech hop in [start, end), or start when there is none:
    /// a word's end without the pause that follows it.</summary>
    public static double TrimEnd(bool[] active, double start, double end)
    {
        int a = Math.Max(0, (int)Math.Floor(start / HopSeconds));
        for (int f = Math.Min(active.Length, (int)Math.Ceiling(end / HopSeconds)) - 1; f >= a; f--)
            if (active[f]) return Math.Min(end, (f + 1) * HopSeconds);
        return start;
    }
}
