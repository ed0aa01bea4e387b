using Michi.Data.Dialogues;

namespace Michi.Data.Tests.Dialogues;

public class DialoguePlanTests
{
    static readonly string[] VoiceIds = ["fake:a", "fake:b", "fake:c"];

    [Fact]
    public void PlanIsAPureFunctionOfSeedAndIndex()
    {
        var options = new DialogueOptions { Seed = 7 };
        var a = new DialoguePlanner(DialogueTestData.Lines, VoiceIds, options);
        var b = new DialoguePlanner(DialogueTestData.Lines, VoiceIds, options);
        // b plans in another order; the plans must not care.
        var late = b.For(9);
        Assert.Equal(a.For(9).Hash(options), late.Hash(options));
        Assert.Equal(a.For(3).Hash(options), b.For(3).Hash(options));
        Assert.NotEqual(a.For(3).Hash(options), new DialoguePlanner(DialogueTestData.Lines, VoiceIds, options with { Seed = 8 }).For(3).Hash(options));
    }

    [Fact]
    public void VoicesAreDistinctSpeakersAlternateAndLinesAreConsecutive()
    {
        var options = new DialogueOptions { Seed = 1, TurnsMin = 2, TurnsMax = 5 };
        var planner = new DialoguePlanner(DialogueTestData.Lines, VoiceIds, options);
        int line = 0;
        for (int i = 0; i < 40; i++)
        {
            var p = planner.For(i);
            Assert.NotEqual(p.Voices[0], p.Voices[1]);
            Assert.InRange(p.Turns.Count, 2, 5);
            Assert.Equal(TurnEntry.First, p.Turns[0].Entry);
            for (int k = 0; k < p.Turns.Count; k++)
            {
                Assert.Equal(DialogueTestData.Lines[line++ % DialogueTestData.Lines.Length], p.Turns[k].Text);
                if (k > 0) Assert.NotEqual(p.Turns[k - 1].Speaker, p.Turns[k].Speaker);
            }
        }
    }

    [Theory]
    [InlineData(-0.1, 0.1, 4, 1, 5, "--overlap-ratio")]
    [InlineData(0.7, 0.5, 4, 1, 5, "at most 1")]
    [InlineData(0.1, 0.1, -1, 1, 5, "--backchannel-rate")]
    [InlineData(0.1, 0.1, 4, 6, 5, "--turns")]
    [InlineData(0.1, 0.1, 4, 0, 5, "--turns")]
    public void BadOptionsAreOneLineErrors(double overlap, double interruption, double backchannel, int min, int max, string expected)
    {
        var options = new DialogueOptions { OverlapRatio = overlap, InterruptionRatio = interruption, BackchannelRate = backchannel, TurnsMin = min, TurnsMax = max };
        var e = Assert.Throws<InvalidInputException>(() => new DialoguePlanner(DialogueTestData.Lines, VoiceIds, options));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void OneVoiceIsNotADialogue()
    {
        var e = Assert.Throws<InvalidInputException>(() => new DialoguePlanner(DialogueTestData.Lines, ["fake:a", "fake:a"], new DialogueOptions()));
        Assert.Contains("two distinct voices", e.Message);
    }
}
