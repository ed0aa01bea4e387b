// What dialogue i is made of, decided before any audio exists: its two voices (distinct; channel
// 0 = user, 1 = assistant), their rate and pitch (one each for the whole dialogue, as a person
// keeps their voice), who speaks first, and for every turn its text line and how it follows the
// previous turn (a gap, an overlap or an interruption, with the amounts). A pure function of
// (seed, index) and the inputs; things that depend on the audio (where backchannels go) are
// drawn later, in DialogueLayout, from a stream of their own.
// Text: dialogues read the lines in order, consecutive dialogues continuing where the previous
// one stopped (cycling), so dialogue i starts at the sum of the turn counts of dialogues 0..i-1.
// Turn counts have their own stream, so that sum is cheap.
// Gaps: log-normal, median 350 ms, σ = 0.45 (5–95 %: about 170–730 ms), clamped to 80 ms–1.5 s:
// the usual shape of between-speaker gaps in conversation (Heldner & Edlund 2010, "Pauses, gaps
// and overlaps in conversations", J. Phonetics 38).
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Michi.Data.Dialogues;

/// <summary>How a turn begins relative to the one before it.</summary>
public enum TurnEntry { First, Gap, Overlap, Interruption }

/// <param name="Speaker">0 = user, 1 = assistant.</param>
/// <param name="Amount">Gap: silence before the turn (s). Overlap: how far it starts before the
/// previous turn ends (s). Interruption: the interrupted speaker's reaction time, how long it
/// goes on after the interrupter starts (s).</param>
/// <param name="CutAt">Interruption: where in the interrupted turn (fraction of its words) the
/// last kept word is.</param>
public sealed record TurnPlan(int Speaker, string Text, TurnEntry Entry, double Amount, double CutAt);

public sealed record DialoguePlan(int Index, string Name, long Seed, string[] Voices, double[] Rates, double[] Pitches,
                                  IReadOnlyList<TurnPlan> Turns)
{
    /// <summary>A short hash of everything the plan fixes and of the layout options: a record
    /// made with another plan or other options is stale.</summary>
    public string Hash(DialogueOptions options)
    {
        string canonical = JsonSerializer.Serialize(new object[] { this, options });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..16];
    }
}

public sealed class DialoguePlanner
{
    readonly IReadOnlyList<string> _lines;
    readonly IReadOnlyList<string> _voiceIds;
    readonly DialogueOptions _options;
    readonly List<long> _startLine = [0];   // _startLine[i]: the first line of dialogue i

    public DialoguePlanner(IReadOnlyList<string> lines, IReadOnlyList<string> voiceIds, DialogueOptions options)
    {
        if (lines.Count == 0) throw new InvalidInputException("no text for dialogues (all lines empty)");
        if (voiceIds.Distinct().Count() < 2) throw new InvalidInputException("dialogues need at least two distinct voices");
        options.Validate();
        _lines = lines;
        _voiceIds = voiceIds;
        _options = options;
    }

    public static string NameOf(int index) => index.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    public DialoguePlan For(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var o = _options;
        long first = StartLine(index);
        int turns = TurnCount(index);
        var rng = new DialogueRandom(o.Seed, index, DialogueRandom.Stream.Plan);
        int a = rng.Integer(0, _voiceIds.Count - 1), b = rng.Integer(0, _voiceIds.Count - 2);
        if (b >= a) b++;
        string[] voices = [_voiceIds[a], _voiceIds[b]];
        double[] rates = [Round(rng.Uniform(o.RateMin, o.RateMax)), Round(rng.Uniform(o.RateMin, o.RateMax))];
        double[] pitches = [Round(rng.Uniform(o.PitchMin, o.PitchMax)), Round(rng.Uniform(o.PitchMin, o.PitchMax))];
        int speaker = rng.Uniform() < 0.5 ? 0 : 1;
        var plan = new List<TurnPlan>(turns);
        for (int k = 0; k < turns; k++)
        {
            // Five draws per turn, whatever the entry, so one turn's kind never shifts the next's.
            double kind = rng.Uniform(), gap = Math.Exp(Math.Log(0.35) + 0.45 * rng.Normal());
            double overlap = rng.Uniform(0.1, 0.6), reaction = rng.Uniform(0.15, 0.45), cutAt = rng.Uniform(0.3, 0.8);
            string text = _lines[(int)((first + k) % _lines.Count)];
            TurnPlan turn = k == 0 ? new(speaker, text, TurnEntry.First, 0, 0)
                : kind < o.InterruptionRatio ? new(speaker, text, TurnEntry.Interruption, Round(reaction), Round(cutAt))
                : kind < o.InterruptionRatio + o.OverlapRatio ? new(speaker, text, TurnEntry.Overlap, Round(overlap), 0)
                : new(speaker, text, TurnEntry.Gap, Round(Math.Clamp(gap, 0.08, 1.5)), 0);
            plan.Add(turn);
            speaker = 1 - speaker;
        }
        return new DialoguePlan(index, NameOf(index), o.Seed, voices, rates, pitches, plan);
    }

    int TurnCount(int index) =>
        new DialogueRandom(_options.Seed, index, DialogueRandom.Stream.TurnCount).Integer(_options.TurnsMin, _options.TurnsMax);

    long StartLine(int index)
    {
        lock (_startLine)
        {
            while (_startLine.Count <= index)
                _startLine.Add(_startLine[^1] + TurnCount(_startLine.Count - 1));
            return _startLine[index];
        }
    }

    static double Round(double x) => Math.Round(x, 4);
}
