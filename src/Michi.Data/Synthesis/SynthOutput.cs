// The last step every engine shares: native samples → 24 kHz float, engine words → one timing per
// input word (TextWords.Assign), and word ends that an engine left open (it reported starts
// only) pulled back from the next word's start to the end of the word's own sound, so a pause
// does not count as part of the word before it.
using Michi.Audio;

namespace Michi.Data.Synthesis;

static class SynthOutput
{
    public static SynthResult Finish(string text, float[] samples, int sampleRate, IReadOnlyList<EngineWord> engineWords,
                                     WordTimingSource source)
    {
        bool[] active = EnergyEnvelope.Active(EnergyEnvelope.LevelsDb(samples, sampleRate));
        double duration = (double)samples.Length / sampleRate;
        double speechEnd = EnergyEnvelope.TrimEnd(active, 0, duration);
        WordTiming[] words = TextWords.Assign(text, engineWords, speechEnd);
        bool openEnds = engineWords.Any(w => double.IsNaN(w.End));
        if (openEnds)
            for (int i = 0; i < words.Length; i++)
                if (words[i].End > words[i].Start)
                    words[i] = words[i] with { End = EnergyEnvelope.TrimEnd(active, words[i].Start, words[i].End) };
        float[] out24k = sampleRate == SynthResult.SampleRate ? samples : Resampler.Resample(samples, sampleRate, SynthResult.SampleRate);
        return new SynthResult(out24k, words, source);
    }

    /// <summary>Whether word times are usable: every end at or after its start, starts in order,
    /// everything inside the audio (a small tolerance for rounding).</summary>
    public static bool Consistent(IReadOnlyList<WordTiming> words, double duration)
    {
        const double Tolerance = 1e-3;
        double previousStart = 0;
        foreach (var w in words)
        {
            if (!double.IsFinite(w.Start) || !double.IsFinite(w.End)) return false;
            if (w.End < w.Start - Tolerance || w.Start < previousStart - Tolerance || w.End > duration + Tolerance) return false;
            previousStart = w.Start;
        }
        return true;
    }

    /// <summary>Timings by forced alignment; when that fails, <paramref name="fallback"/>'s (the
    /// engine's own coarse ones) or else the energy estimate.</summary>
    public static async Task<SynthResult> AlignAsync(string text, float[] samples, int sampleRate, PocketsphinxAligner aligner,
                                                     Func<SynthResult>? fallback, CancellationToken ct)
    {
        string[] words = [.. TextWords.Split(text).Select(w => w.Word)];
        WordTiming[]? timings = aligner.IsAvailable() ? await aligner.AlignAsync(samples, sampleRate, words, ct) : null;
        if (timings == null && fallback != null) return fallback();
        var source = WordTimingSource.ForcedAlignment;
        if (timings == null)
        {
            timings = EnergyAligner.Estimate(samples, sampleRate, words);
            source = WordTimingSource.EnergyEstimate;
        }
        float[] out24k = sampleRate == SynthResult.SampleRate ? samples : Resampler.Resample(samples, sampleRate, SynthResult.SampleRate);
        return new SynthResult(out24k, timings, source);
    }

    public static float[] FromPcm16(ReadOnlySpan<short> pcm)
    {
        var x = new float[pcm.Length];
        for (int i = 0; i < x.Length; i++) x[i] = pcm[i] / 32768f;
        return x;
    }

    /// <summary>Rejects text no engine can speak, with the conventional one-line message.</summary>
    public static void CheckText(string engine, string text)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new InvalidInputException($"{engine}: empty text");
        if (text.Contains('\0'))
            throw new InvalidInputException($"{engine}: text contains a NUL character");
    }
}
