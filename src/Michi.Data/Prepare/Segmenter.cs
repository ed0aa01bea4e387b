// Where `data prepare` cuts a file that is longer than segment_max_seconds. A long recording
// (an audiobook chapter, a podcast) cannot be one training utterance, and Whisper reads 30 s
// windows. Cuts go at pauses: between aligned words (the middle of the gap, scored by its
// length) when the words are known, else in the middle of silent runs of the energy envelope
// (EnergyEnvelope, 10 ms hops). Greedy from the start: each piece ends at the best-scored
// candidate in the second half of the allowed length (later on ties), else at any candidate
// inside it, else exactly at the limit. Pieces are never longer than the limit.
using Michi.Data.Synthesis;

namespace Michi.Data.Prepare;

public static class Segmenter
{
    /// <summary>A piece shorter than this is not cut off.</summary>
    public const double MinPieceSeconds = 0.5;

    /// <summary>A silent run at least this long is a cut candidate when words are unknown.</summary>
    public const double MinPauseSeconds = 0.1;

    public readonly record struct Cut(double Time, double Score);

    /// <summary>Piece boundaries [0, c1, c2, …, duration] so that every piece is at most <paramref name="maxSeconds"/>.</summary>
    public static List<double> Plan(double duration, IReadOnlyList<Cut> candidates, double maxSeconds)
    {
        var bounds = new List<double> { 0 };
        double start = 0;
        while (duration - start > maxSeconds)
        {
            double limit = start + maxSeconds;
            Cut? best = Best(candidates, start + maxSeconds / 2, limit) ?? Best(candidates, start + MinPieceSeconds, limit);
            double cut = best?.Time ?? limit;
            bounds.Add(cut);
            start = cut;
        }
        bounds.Add(duration);
        return bounds;
    }

    static Cut? Best(IReadOnlyList<Cut> candidates, double from, double to)
    {
        Cut? best = null;
        foreach (var c in candidates)
            if (c.Time > from && c.Time <= to && (best is null || c.Score >= best.Value.Score)) best = c;
        return best;
    }

    /// <summary>The middle of each gap between consecutive words (a zero gap still separates words).</summary>
    public static List<Cut> WordGaps(IReadOnlyList<WordTiming> words)
    {
        var cuts = new List<Cut>();
        for (int i = 0; i + 1 < words.Count; i++)
        {
            double a = words[i].End, b = Math.Max(a, words[i + 1].Start);
            if (words[i + 1].Start > words[i].Start) cuts.Add(new Cut((a + b) / 2, b - a));
        }
        return cuts;
    }

    /// <summary>The middle of every silent run of at least <see cref="MinPauseSeconds"/>.</summary>
    public static List<Cut> Silences(ReadOnlySpan<float> samples, int sampleRate)
    {
        bool[] active = EnergyEnvelope.Active(EnergyEnvelope.LevelsDb(samples, sampleRate));
        var cuts = new List<Cut>();
        int f = 0;
        while (f < active.Length)
        {
            if (active[f]) { f++; continue; }
            int a = f;
            while (f < active.Length && !active[f]) f++;
            double length = (f - a) * EnergyEnvelope.HopSeconds;
            if (length >= MinPauseSeconds) cuts.Add(new Cut((a + f) * EnergyEnvelope.HopSeconds / 2, length));
        }
        return cuts;
    }

    /// <summary>The words that start in [start, end), shifted to the piece's time and clamped into it.</summary>
    public static List<WordTiming> WordsIn(IReadOnlyList<WordTiming> words, double start, double end, bool last)
    {
        var piece = new List<WordTiming>();
        foreach (var w in words)
            if (w.Start >= start && (w.Start < end || (last && w.Start <= end)))
            {
                double s = Math.Min(w.Start, end) - start, e = Math.Clamp(w.End, w.Start, end) - start;
                piece.Add(new WordTiming(w.Word, s, Math.Max(s, e)));
            }
        return piece;
    }
}
