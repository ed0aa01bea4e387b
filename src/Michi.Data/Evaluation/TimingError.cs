// How wrong word onsets are, two ways (docs/data.md reports both):
//  • against energy onsets: where the signal rises out of a pause (≥ 100 ms of silence, or the
//    start of the utterance), a word must start. The nearest reported onset to each such point
//    gives one error. It checks any timing method without a reference, but only at pauses, and a
//    word that starts with a stop closure is legitimately "early" by the closure (≈ 30–80 ms).
//  • against a reference: word by word, when exact times exist (espeak-ng, festival, flite), to
//    score the methods that estimate (forced alignment, energy estimate) on the same audio.
using Michi.Data.Synthesis;

namespace Michi.Data.Evaluation;

public sealed record ErrorStats(int Count, double Median, double P95, double Mean)
{
    public static ErrorStats Of(IEnumerable<double> absoluteErrors)
    {
        double[] e = [.. absoluteErrors.Order()];
        if (e.Length == 0) return new ErrorStats(0, double.NaN, double.NaN, double.NaN);
        return new ErrorStats(e.Length, Quantile(e, 0.5), Quantile(e, 0.95), e.Average());
    }

    /// <summary>Linear interpolation between order statistics (numpy's default).</summary>
    public static double Quantile(double[] sorted, double q)
    {
        double pos = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos), hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}

public static class TimingError
{
    /// <summary>Times (s) where speech starts after at least <paramref name="minPause"/> of silence,
    /// and the utterance's first speech. Regions shorter than 80 ms are left out: those are the
    /// release bursts of word-final stops after their closure, not word onsets.</summary>
    public static List<double> EnergyOnsets(ReadOnlySpan<float> x, int sampleRate, double minPause = 0.1) =>
        [.. EnergyEnvelope.SpeechRegions(x, sampleRate, minPause, minSpeech: 0.08).Select(r => r.Start)];

    /// <summary>Per energy onset: signed error of the nearest reported word onset (reported − energy).</summary>
    public static List<double> AgainstEnergyOnsets(IReadOnlyList<WordTiming> words, IReadOnlyList<double> onsets)
    {
        var errors = new List<double>();
        double[] starts = [.. words.Where(w => w.End > w.Start).Select(w => w.Start)];
        if (starts.Length == 0) return errors;
        foreach (double t in onsets)
        {
            double best = starts.MinBy(s => Math.Abs(s - t));
            errors.Add(best - t);
        }
        return errors;
    }

    /// <summary>Per word spoken in both: signed onset error (estimate − reference).</summary>
    public static List<double> AgainstReference(IReadOnlyList<WordTiming> estimate, IReadOnlyList<WordTiming> reference)
    {
        if (estimate.Count != reference.Count) throw new ArgumentException("word counts differ");
        var errors = new List<double>();
        for (int i = 0; i < estimate.Count; i++)
            if (reference[i].End > reference[i].Start && estimate[i].End > estimate[i].Start)
                errors.Add(estimate[i].Start - reference[i].Start);
        return errors;
    }
}
