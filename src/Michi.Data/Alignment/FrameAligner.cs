// Word timings → the per-frame text stream of DESIGN.md §3 ("inner monologue"): the backbone
// reads one text token per audio frame, a word's tokens one per frame starting a fixed lead δ
// before the frame in which the word's audio starts, PAD in every other frame.
//   nominal(word) = max(0, ⌊start / frame⌋ − δ),  token k of the word wants frame nominal + k.
// When a word's tokens reach a frame the previous word still occupies (fast speech, long
// words), they are pushed to the next free frames: order is kept, nothing overlaps, and every
// pushed token is counted (Collisions) so data with too many can be spotted. Tokens that would
// fall past the last frame are dropped and counted (Dropped).
// The tokenizer is a callback so this stays independent of any tokenizer: it gets each word as
// it appears in the text, with a leading space for every word but the first (the convention of
// byte-level BPE, so concatenated tokens equal the tokenised text).
namespace Michi.Data.Alignment;

public sealed record FrameAlignmentOptions
{
    /// <summary>Frame length in seconds (80 ms: 12.5 Hz, one backbone step).</summary>
    public double FrameSeconds { get; init; } = 0.08;

    /// <summary>δ: frames between a word's first token and the frame its audio starts in.</summary>
    public int Lead { get; init; } = 2;
}

/// <summary>The aligned stream and where each word landed.</summary>
/// <param name="Tokens">One token id per frame; PadId where no token is placed.</param>
/// <param name="WordOfFrame">The word each frame's token came from, -1 for PAD.</param>
/// <param name="NominalFrame">Per word: the frame its first token wanted.</param>
/// <param name="FirstFrame">Per word: the frame its first token got (-1: no token placed).</param>
/// <param name="TokenCounts">Per word: how many tokens the tokenizer gave.</param>
public sealed record FrameAlignment(int[] Tokens, int[] WordOfFrame, int[] NominalFrame, int[] FirstFrame, int[] TokenCounts,
                                    int PadId, int Collisions, int Dropped);

public static class FrameAligner
{
    /// <summary>Frames needed to cover <paramref name="seconds"/> of audio.</summary>
    public static int FrameCount(double seconds, double frameSeconds) => (int)Math.Ceiling(seconds / frameSeconds - 1e-9);

    public static FrameAlignment Align(IReadOnlyList<(string Word, double Start)> words, Func<string, int[]> tokenize,
                                       int frameCount, int padId, FrameAlignmentOptions? options = null)
    {
        options ??= new FrameAlignmentOptions();
        if (options.FrameSeconds <= 0) throw new ArgumentOutOfRangeException(nameof(options), "frame length must be positive");
        if (options.Lead < 0) throw new ArgumentOutOfRangeException(nameof(options), "lead must be non-negative");
        if (frameCount < 0) throw new ArgumentOutOfRangeException(nameof(frameCount));

        var tokens = new int[frameCount];
        var wordOfFrame = new int[frameCount];
        Array.Fill(tokens, padId);
        Array.Fill(wordOfFrame, -1);
        var nominal = new int[words.Count];
        var first = new int[words.Count];
        var counts = new int[words.Count];
        int cursor = 0, collisions = 0, dropped = 0;
        for (int w = 0; w < words.Count; w++)
        {
            int[] ids = tokenize(w == 0 ? words[w].Word : " " + words[w].Word);
            counts[w] = ids.Length;
            nominal[w] = Math.Max(0, (int)Math.Floor(words[w].Start / options.FrameSeconds + 1e-9) - options.Lead);
            first[w] = -1;
            for (int k = 0; k < ids.Length; k++)
            {
                int want = nominal[w] + k, frame = Math.Max(want, cursor);
                if (frame >= frameCount) { dropped += ids.Length - k; break; }
                if (frame > want) collisions++;
                tokens[frame] = ids[k];
                wordOfFrame[frame] = w;
                if (k == 0) first[w] = frame;
                cursor = frame + 1;
            }
        }
        return new FrameAlignment(tokens, wordOfFrame, nominal, first, counts, padId, collisions, dropped);
    }

    /// <summary>Reads a stream back into words: given each word's token count, the frame of each
    /// word's first token (non-PAD tokens taken in order) and the tokens themselves.</summary>
    public static (int FirstFrame, int[] Tokens)[] Recover(int[] stream, int padId, IReadOnlyList<int> tokenCounts)
    {
        var result = new (int, int[])[tokenCounts.Count];
        int f = 0;
        for (int w = 0; w < tokenCounts.Count; w++)
        {
            var ids = new List<int>();
            int firstFrame = -1;
            while (ids.Count < tokenCounts[w] && f < stream.Length)
            {
                if (stream[f] != padId)
                {
                    if (ids.Count == 0) firstFrame = f;
                    ids.Add(stream[f]);
                }
                f++;
            }
            result[w] = (firstFrame, [.. ids]);
        }
        return result;
    }

    /// <summary>Where a recovered first frame says the word's audio starts (the frame's start time).</summary>
    public static double OnsetSeconds(int firstFrame, FrameAlignmentOptions? options = null)
    {
        options ??= new FrameAlignmentOptions();
        return (firstFrame + options.Lead) * options.FrameSeconds;
    }
}
