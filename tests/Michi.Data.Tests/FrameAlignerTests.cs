using Michi.Data.Alignment;

namespace Michi.Data.Tests;

public class FrameAlignerTests
{
    const int Pad = 0;

    // Token ids: one per character of the word (trimmed), so multi-token words are easy to make.
    static int[] Chars(string word) => [.. word.Trim().Select(c => (int)c)];

    static int[] OnePerWord(string word) => [word.Trim().Length];

    [Fact]
    public void WordsStartLeadFramesBeforeTheirAudio()
    {
        // 80 ms frames, δ = 2: a word starting at 0.5 s (frame 6) gets its token in frame 4.
        var a = FrameAligner.Align([("hello", 0.5), ("you", 1.0)], OnePerWord, 20, Pad);
        Assert.Equal(5, a.Tokens[4]);
        Assert.Equal(3, a.Tokens[10]);               // 1.0 s → frame 12 → 10
        Assert.Equal(2, a.Tokens.Count(t => t != Pad));
        Assert.Equal(0, a.Collisions);
        Assert.Equal([4, 10], a.FirstFrame);
        Assert.Equal(0, a.WordOfFrame[4]);
        Assert.Equal(-1, a.WordOfFrame[5]);
    }

    [Fact]
    public void LeadAtTheStartClampsToFrameZero()
    {
        var a = FrameAligner.Align([("a", 0.05)], OnePerWord, 5, Pad);
        Assert.Equal(0, a.NominalFrame[0]);
        Assert.Equal(0, a.FirstFrame[0]);
        Assert.Equal(0, a.Collisions);
    }

    [Fact]
    public void CollisionsArePushedLaterInOrderAndCounted()
    {
        // "abcd" (4 tokens) wants frames 2–5; "xy" starts at 0.40 s → frame 5 − 2 = 3, but 3–5 are taken.
        var a = FrameAligner.Align([("abcd", 0.32), ("xy", 0.40)], Chars, 12, Pad);
        Assert.Equal(Chars("abcd").Concat(Chars("xy")), a.Tokens.Where(t => t != Pad));
        Assert.Equal([2, 6], a.FirstFrame);
        Assert.Equal([2, 3], a.NominalFrame);
        Assert.Equal(2, a.Collisions);               // both tokens of "xy" are late
        Assert.Equal(0, a.Dropped);
    }

    [Fact]
    public void TokensPastTheLastFrameAreDroppedAndCounted()
    {
        var a = FrameAligner.Align([("abc", 0.3)], Chars, 3, Pad); // wants frames 1, 2, 3; only 0–2 exist
        Assert.Equal(1, a.Dropped);
        Assert.Equal([Pad, 'a', 'b'], a.Tokens);
    }

    [Fact]
    public void FrameLengthAndLeadAreParameters()
    {
        var options = new FrameAlignmentOptions { FrameSeconds = 0.04, Lead = 1 };
        var a = FrameAligner.Align([("w", 0.5)], OnePerWord, 20, Pad, options);
        Assert.Equal(11, a.FirstFrame[0]);           // 0.5 / 0.04 = 12.5 → frame 12, minus 1
    }

    [Fact]
    public void TokenizerSeesALeadingSpaceAfterTheFirstWord()
    {
        var seen = new List<string>();
        FrameAligner.Align([("a", 0.0), ("b", 0.5)], w => { seen.Add(w); return [1]; }, 10, Pad);
        Assert.Equal(["a", " b"], seen);
    }

    [Fact]
    public void RoundTripRecoversWordsAndOnsets()
    {
        (string, double)[] words = [("the", 0.10), ("quick", 0.45), ("brown", 0.93), ("fox", 1.62), ("jumps", 2.20)];
        var a = FrameAligner.Align(words, Chars, FrameAligner.FrameCount(2.8, 0.08), Pad);
        var back = FrameAligner.Recover(a.Tokens, Pad, a.TokenCounts);
        for (int w = 0; w < words.Length; w++)
        {
            Assert.Equal(Chars(words[w].Item1), back[w].Tokens);
            Assert.Equal(a.FirstFrame[w], back[w].FirstFrame);
            if (a.FirstFrame[w] == a.NominalFrame[w] && a.NominalFrame[w] > 0)
            {
                // Unpushed words give their onset back to within one frame.
                double onset = FrameAligner.OnsetSeconds(back[w].FirstFrame);
                Assert.InRange(words[w].Item2 - onset, 0, 0.08);
            }
        }
    }

    [Fact]
    public void FrameCountCoversTheAudio()
    {
        Assert.Equal(3, FrameAligner.FrameCount(0.24, 0.08));
        Assert.Equal(4, FrameAligner.FrameCount(0.2401, 0.08));
        Assert.Equal(0, FrameAligner.FrameCount(0, 0.08));
    }
}
