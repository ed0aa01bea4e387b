// Which text, voice, rate and pitch utterance number i gets: a pure function of (seed, i), so a
// corpus is reproducible, resumable in any order and independent of the worker count. The text
// cycles through the lines (a second pass over the text gets other voices and settings); the
// voice is drawn uniformly; rate and pitch are drawn uniformly from ranges of natural variation
// (±10 % speed, ±8 % pitch by default: about ±1.3 semitones).
// Random numbers come from SplitMix64 on (seed, i), not System.Random, so they never change
// with the .NET version.
namespace Michi.Data.Corpus;

public sealed record UtterancePlan(int Index, string Name, string Text, string VoiceId, double Rate, double Pitch);

public sealed record SynthesisOptions
{
    public long Seed { get; init; }
    public double RateMin { get; init; } = 0.9;
    public double RateMax { get; init; } = 1.1;
    public double PitchMin { get; init; } = 0.92;
    public double PitchMax { get; init; } = 1.08;
}

public static class SynthesisPlan
{
    /// <summary>The plan of utterance <paramref name="index"/>.</summary>
    public static UtterancePlan For(int index, IReadOnlyList<string> lines, IReadOnlyList<string> voiceIds, SynthesisOptions options)
    {
        if (lines.Count == 0) throw new ArgumentException("no text lines", nameof(lines));
        if (voiceIds.Count == 0) throw new ArgumentException("no voices", nameof(voiceIds));
        ulong state = Mix((ulong)options.Seed * 0x9E3779B97F4A7C15UL ^ (ulong)index);
        double U() => (Next(ref state) >> 11) * (1.0 / (1UL << 53));
        string voice = voiceIds[(int)(U() * voiceIds.Count)];
        double rate = options.RateMin + (options.RateMax - options.RateMin) * U();
        double pitch = options.PitchMin + (options.PitchMax - options.PitchMin) * U();
        return new UtterancePlan(index, NameOf(index), lines[index % lines.Count], voice, Math.Round(rate, 4), Math.Round(pitch, 4));
    }

    public static string NameOf(int index) => index.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    static ulong Next(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        return Mix(state);
    }

    static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
