// Puts a planned dialogue's synthesised turns on one timeline of two channels (0 = user,
// 1 = assistant): where each turn starts, which words an interruption cuts off, and where the
// listener's backchannels go. Pure given the plan and the audio (backchannel audio is asked for
// through a callback; the engines are deterministic), so a dialogue is a function of (seed, index).
// Rules, all in seconds of speech (a clip's own leading and trailing silence is trimmed off):
// - the first turn starts at Lead; a gap turn starts its planned gap after the previous turn's
//   last word; an overlap turn starts that far before it (at most half the previous turn);
// - an interruption starts `reaction` before the end of the planned word of the previous turn,
//   which then stops at the first word end at least MinReaction after the onset (never its last
//   word, so at least one word is dropped); a one-word turn cannot be interrupted: overlap;
// - a speaker never talks over itself: its turn starts SameSpeakerGap after its previous speech
//   (an overlap pushed past the previous turn's end becomes a plain gap);
// - backchannels: per turn, Poisson(rate × turn minutes) tries; each picks a word boundary after
//   the first half second (weighted towards pauses and punctuation) and starts 0–250 ms after it;
//   a position must stay BackchannelClearance away from the listener's own turns and
//   BackchannelSpacing away from its other backchannels (up to three positions per try).
using Michi.Data.Corpus;
using Michi.Data.Synthesis;

namespace Michi.Data.Dialogues;

/// <summary>Samples [From, To) of a clip, added into a channel with clip sample 0 at output
/// sample Offset (which may be negative), faded in and out over a few milliseconds.</summary>
public sealed record PlacedClip(int Channel, float[] Samples, int From, int To, long Offset);

public sealed record DialogueLayoutResult(IReadOnlyList<PlacedClip> Clips, IReadOnlyList<WordRecord>[] Words,
                                          WordTimingSource[] Timing, IReadOnlyList<DialogueEvent> Events, double Duration);

public static class DialogueLayout
{
    public const double Lead = 0.3, Tail = 0.3, SameSpeakerGap = 0.15, MinReaction = 0.1;
    public const double BackchannelClearance = 0.2, BackchannelSpacing = 1.0, EdgeBefore = 0.05, EdgeAfter = 0.1;
    public static readonly string[] BackchannelTexts = ["mm-hm", "yeah", "right", "okay", "uh-huh"];
    const int Rate = SynthResult.SampleRate, Attempts = 3;

    sealed class Turn(int speaker, SynthResult clip, double offset)
    {
        public readonly int Speaker = speaker;
        public readonly SynthResult Clip = clip;
        public readonly double Offset = offset;          // where the clip's t = 0 lands
        public int Kept = clip.Words.Length;
        public TurnEntry Entry;
        public double Start => Offset + Clip.Words[0].Start;
        public double End => WordEnd(Kept - 1);
        public double WordEnd(int i) => Offset + Clip.Words[i].End;
    }

    public static async Task<DialogueLayoutResult> ArrangeAsync(DialoguePlan plan, DialogueOptions options, IReadOnlyList<SynthResult> clips,
                                                                Func<int, string, Task<SynthResult>> backchannel)
    {
        if (clips.Count != plan.Turns.Count) throw new ArgumentException("one clip per planned turn", nameof(clips));
        var turns = new List<Turn>();
        var onsets = new List<double>();
        double[] free = [double.NegativeInfinity, double.NegativeInfinity];
        for (int k = 0; k < clips.Count; k++)
        {
            var (tp, clip) = (plan.Turns[k], clips[k]);
            if (clip.Words.Length == 0) throw new InvalidOperationException($"turn {k}: the engine returned no words");
            Turn? prev = k > 0 ? turns[k - 1] : null;
            TurnEntry entry = tp.Entry;
            double start = 0;
            if (entry == TurnEntry.Interruption)
            {
                // prev.Kept is still all its words: only this turn can cut it.
                int n = prev!.Kept, planned = Math.Clamp((int)Math.Floor(tp.CutAt * n), 0, Math.Max(0, n - 2));
                double onset = Math.Max(prev.Start + 0.05, Math.Max(prev.WordEnd(planned) - tp.Amount, free[tp.Speaker] + SameSpeakerGap));
                int cut = Enumerable.Range(planned, Math.Max(0, n - 1 - planned)).FirstOrDefault(c => prev.WordEnd(c) >= onset + MinReaction, -1);
                if (n >= 2 && cut >= 0)
                {
                    prev.Kept = cut + 1;
                    free[prev.Speaker] = prev.End;
                    start = onset;
                }
                else entry = TurnEntry.Overlap;   // nothing to cut: the reaction time becomes an overlap
            }
            if (entry == TurnEntry.First) start = Lead;
            else if (entry == TurnEntry.Gap) start = prev!.End + tp.Amount;
            else if (entry == TurnEntry.Overlap) start = prev!.End - Math.Min(tp.Amount, 0.5 * (prev.End - prev.Start));
            start = Math.Max(start, free[tp.Speaker] + SameSpeakerGap);
            if (entry == TurnEntry.Overlap && start >= prev!.End) entry = TurnEntry.Gap;
            var turn = new Turn(tp.Speaker, clip, start - clip.Words[0].Start) { Entry = entry };
            turns.Add(turn);
            onsets.Add(start);
            free[tp.Speaker] = turn.End;
        }

        var events = new List<DialogueEvent>();
        var words = new List<WordRecord>[] { [], [] };
        var clipsOut = new List<PlacedClip>();
        var timing = new[] { WordTimingSource.EngineEvents, WordTimingSource.EngineEvents };
        for (int k = 0; k < turns.Count; k++)
        {
            var t = turns[k];
            var w = t.Clip.Words;
            string role = DialogueEvent.Roles[t.Speaker];
            string kept = string.Join(' ', w.Take(t.Kept).Select(x => x.Word));
            string? dropped = t.Kept < w.Length ? string.Join(' ', w.Skip(t.Kept).Select(x => x.Word)) : null;
            events.Add(new(DialogueEvent.Turn, role, R(t.Start), R(t.End), kept, dropped));
            if (t.Entry == TurnEntry.Overlap)
                events.Add(new(DialogueEvent.Overlap, role, R(t.Start), R(Math.Min(turns[k - 1].End, t.End))));
            if (t.Entry == TurnEntry.Interruption)
                events.Add(new(DialogueEvent.Interruption, role, R(t.Start), R(turns[k - 1].End)));
            double cutEnd = t.Kept < w.Length ? Math.Min(w[t.Kept - 1].End + 0.03, w[t.Kept].Start) : w[^1].End + EdgeAfter;
            Place(clipsOut, words, timing, t.Speaker, t.Clip, t.Offset, t.Kept, cutEnd);
        }

        // Backchannels, drawn from their own stream in turn order.
        var rng = new DialogueRandom(plan.Seed, plan.Index, DialogueRandom.Stream.Layout);
        var backchannels = new List<(double Start, double End)>[] { [], [] };
        foreach (var t in turns)
        {
            int listener = 1 - t.Speaker, tries = rng.Poisson(options.BackchannelRate * (t.End - t.Start) / 60);
            var w = t.Clip.Words;
            int[] candidates = [.. Enumerable.Range(0, Math.Max(0, t.Kept - 1)).Where(j => t.WordEnd(j) - t.Start >= 0.5)];
            double[] weights = [.. candidates.Select(j => w[j + 1].Start - w[j].End >= 0.15 || char.IsPunctuation(w[j].Word[^1]) ? 4.0 : 1.0)];
            for (int i = 0; i < tries; i++)
            {
                // A try draws its text and three (position, delay) pairs, always, and takes the
                // first position that is clear: the rate is then met despite the clearance rules.
                string text = BackchannelTexts[rng.Integer(0, BackchannelTexts.Length - 1)];
                var positions = Enumerable.Range(0, Attempts).Select(_ => (Pick: rng.Uniform(), Delay: rng.Uniform(0, 0.25))).ToArray();
                if (candidates.Length == 0) continue;
                var clip = await backchannel(listener, text);
                if (clip.Words.Length == 0) continue;
                double length = clip.Words[^1].End - clip.Words[0].Start;
                foreach (var (pick, delay) in positions)
                {
                    int c = 0;
                    for (double left = pick * weights.Sum(); c < candidates.Length - 1 && (left -= weights[c]) >= 0;) c++;
                    double start = t.WordEnd(candidates[c]) + delay, end = start + length;
                    bool clear = turns.Where(o => o.Speaker == listener).All(o => end + BackchannelClearance <= o.Start || start >= o.End + BackchannelClearance)
                                 && backchannels[listener].All(b => end + BackchannelSpacing <= b.Start || start >= b.End + BackchannelSpacing);
                    if (!clear) continue;
                    backchannels[listener].Add((start, end));
                    events.Add(new(DialogueEvent.Backchannel, DialogueEvent.Roles[listener], R(start), R(end), string.Join(' ', clip.Words.Select(x => x.Word))));
                    Place(clipsOut, words, timing, listener, clip, start - clip.Words[0].Start, clip.Words.Length, clip.Words[^1].End + EdgeAfter);
                    break;
                }
            }
        }

        foreach (var list in words) list.Sort((a, b) => a.Start.CompareTo(b.Start));
        events.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : Array.IndexOf(DialogueEvent.Types, a.Type) - Array.IndexOf(DialogueEvent.Types, b.Type));
        double duration = Math.Max(words.SelectMany(x => x).Max(x => x.End), events.Max(e => e.End)) + Tail;
        return new DialogueLayoutResult(clipsOut, words, timing, events, duration);
    }

    /// <summary>Adds the clip's kept words to the channel and the audio from just before its
    /// first word to <paramref name="cutEnd"/> (clip time).</summary>
    static void Place(List<PlacedClip> clips, List<WordRecord>[] words, WordTimingSource[] timing, int channel, SynthResult clip,
                      double offset, int kept, double cutEnd)
    {
        var w = clip.Words;
        for (int i = 0; i < kept; i++)
            words[channel].Add(new WordRecord(w[i].Word, R(offset + w[i].Start), R(offset + Math.Max(w[i].Start, Math.Min(w[i].End, cutEnd)))));
        if (clip.Timing > timing[channel]) timing[channel] = clip.Timing;
        int from = Math.Max(0, (int)Math.Floor((w[0].Start - EdgeBefore) * Rate));
        int to = Math.Min(clip.Samples24k.Length, (int)Math.Ceiling(cutEnd * Rate));
        clips.Add(new PlacedClip(channel, clip.Samples24k, from, Math.Max(from, to), (long)Math.Round(offset * Rate)));
    }

    /// <summary>Mixes the placed clips into two channels of <paramref name="samples"/> samples,
    /// with 5 ms fades at every clip edge so cuts do not click.</summary>
    public static float[][] Mix(IReadOnlyList<PlacedClip> clips, int samples)
    {
        var channels = new[] { new float[samples], new float[samples] };
        const int fade = Rate / 200;
        foreach (var c in clips)
        {
            var dst = channels[c.Channel];
            int len = c.To - c.From;
            for (int i = c.From; i < c.To; i++)
            {
                long at = c.Offset + i;
                if (at < 0 || at >= samples) continue;
                int edge = Math.Min(i - c.From, c.To - 1 - i);
                float gain = edge >= fade || len < 2 * fade ? 1f : (edge + 0.5f) / fade;
                dst[at] += c.Samples[i] * gain;
            }
        }
        return channels;
    }

    static double R(double x) => Math.Round(x, 4);
}
