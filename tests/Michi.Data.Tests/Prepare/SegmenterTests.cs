// Long files are cut at pauses into pieces no longer than segment_max_seconds, words are kept
// whole and in order, and a file without words is cut at silences (for Whisper).
using Michi.Data.Corpus;
using Michi.Data.Prepare;
using Michi.Data.Synthesis;
using Michi.Data.Tests.Shards;
using static Michi.Data.Tests.Prepare.PrepareFixture;

namespace Michi.Data.Tests.Prepare;

public class SegmenterTests
{
    [Fact]
    public void PlanPrefersTheLongestPauseInTheSecondHalf()
    {
        Segmenter.Cut[] cuts = [new(2, 0.5), new(6, 0.2), new(8, 0.9), new(9.5, 0.1), new(14, 0.3), new(17, 0.4)];
        var bounds = Segmenter.Plan(22, cuts, maxSeconds: 10);
        Assert.Equal([0, 8, 17, 22], bounds);
    }

    [Fact]
    public void PlanCutsAtTheLimitWhenThereIsNoPause()
    {
        Assert.Equal([0, 10, 20, 25], Segmenter.Plan(25, [], 10));
        Assert.Equal([0, 4], Segmenter.Plan(4, [new(2, 1)], 10));
        // A pause in the first half is still better than cutting a word.
        Assert.Equal([0, 3, 12], Segmenter.Plan(12, [new(3, 0.2)], 10));
    }

    [Fact]
    public void WordsInShiftsAndClampsToThePiece()
    {
        WordTiming[] words = [new("a", 0.5, 1.0), new("b", 1.2, 2.4), new("c", 3.0, 3.5)];
        Assert.Equal([new WordTiming("a", 0.5, 1.0), new WordTiming("b", 1.2, 2.0)], Segmenter.WordsIn(words, 0, 2, last: false));
        Assert.Equal([new WordTiming("c", 1.0, 1.5)], Segmenter.WordsIn(words, 2, 4, last: true));
    }

    [Fact]
    public void SilencesAreFoundBetweenBursts()
    {
        var cuts = Segmenter.Silences(Speech(3), 24000);
        // Leading silence, two gaps, trailing silence: the gaps' middles are at 0.625 and 1.175 s.
        Assert.Equal(4, cuts.Count);
        Assert.InRange(cuts[1].Time, 0.6, 0.65);
        Assert.InRange(cuts[2].Time, 1.15, 1.2);
    }

    [Fact]
    public async Task LongSyntheticUtteranceIsCutBetweenWords()
    {
        string root = TempDir(), corpus = Path.Combine(root, "synth");
        Directory.CreateDirectory(corpus);
        // 25 s, a word every second from 0.2 s, each 0.6 s long.
        var words = Enumerable.Range(0, 25).Select(i => ($"w{i}", 0.2 + i, 0.8 + i)).ToArray();
        ShardFixture.WriteUtterance(corpus, "long", 25, words);
        var config = Config(root, maxSeconds: 10, sources: ("synthetic", corpus));

        var report = await Run(config);

        var outputs = Assert.Single(report.Manifest.Inputs).Outputs;
        Assert.Equal(["synthetic-long-000", "synthetic-long-001", "synthetic-long-002"], outputs.Select(o => o.Name));
        var pieces = outputs.Select(o => UtteranceRecord.Read(Path.Combine(SpeechDir(config), o.Name + ".json"))).ToList();
        Assert.All(pieces, p => Assert.InRange(p.Duration, 1, 10));
        Assert.Equal(25, pieces.Sum(p => p.Samples) / 24000.0, 3);
        Assert.Equal(string.Join(' ', words.Select(w => w.Item1)), string.Join(' ', pieces.Select(p => p.Text)));
        // Each cut is in the middle of a 0.4 s pause, so a piece's first word starts 0.2 s in.
        Assert.All(pieces.Skip(1), p => Assert.Equal(0.2, p.Words[0].Start, 3));
        Assert.All(pieces, p => Assert.All(p.Words, w => Assert.Equal(0.6, w.End - w.Start, 3)));
    }

    [Fact]
    public async Task UntranscribedLongFileIsCutAtSilencesBeforeTranscribing()
    {
        string root = TempDir(), corpus = Path.Combine(root, "mine");
        Wav(Path.Combine(corpus, "talk.wav"), Speech(12));   // 0.4 + 12 × 0.3 + 11 × 0.25 = 6.75 s
        var config = Config(root, maxSeconds: 3, sources: ("folder", corpus));
        var transcriber = new FakeTranscriber("some words");

        var report = await Run(config, transcriber: transcriber);

        var outputs = Assert.Single(report.Manifest.Inputs).Outputs;
        Assert.Equal(3, outputs.Count);
        Assert.Equal(3, transcriber.Calls);
        Assert.All(outputs, o => Assert.InRange(o.Seconds, 0.5, 3));
        Assert.Equal(6.75, outputs.Sum(o => o.Seconds), 3);
    }
}
