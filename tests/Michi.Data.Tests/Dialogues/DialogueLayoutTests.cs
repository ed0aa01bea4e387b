// The timeline rules, checked over many fake dialogues: event counts follow the ratios, an
// interruption removes exactly the words after the cut, and nobody talks over themselves.
using Michi.Data.Dialogues;

namespace Michi.Data.Tests.Dialogues;

public class DialogueLayoutTests
{
    static readonly string[] VoiceIds = ["fake:a", "fake:b"];

    [Fact]
    public async Task EventCountsFollowTheRatios()
    {
        var options = new DialogueOptions { Seed = 3, OverlapRatio = 0.25, InterruptionRatio = 0.15, BackchannelRate = 8, TurnsMin = 6, TurnsMax = 6 };
        var planner = new DialoguePlanner(DialogueTestData.Lines, VoiceIds, options);
        int changes = 0, overlaps = 0, interruptions = 0, backchannels = 0;
        double turnMinutes = 0;
        for (int i = 0; i < 100; i++)
        {
            var (_, layout) = await DialogueTestData.Arrange(planner, options, i);
            changes += 5;
            overlaps += layout.Events.Count(e => e.Type == DialogueEvent.Overlap);
            interruptions += layout.Events.Count(e => e.Type == DialogueEvent.Interruption);
            backchannels += layout.Events.Count(e => e.Type == DialogueEvent.Backchannel);
            turnMinutes += layout.Events.Where(e => e.Type == DialogueEvent.Turn).Sum(e => e.End - e.Start) / 60;
        }
        // 500 changes: binomial σ ≈ 10 (overlap) and 8 (interruption); ±4σ.
        Assert.InRange(overlaps, 125 - 40, 125 + 40);
        Assert.InRange(interruptions, 75 - 32, 75 + 32);
        double rate = backchannels / turnMinutes;
        Assert.InRange(rate, 0.7 * 8, 1.3 * 8);
    }

    [Fact]
    public async Task InterruptedTurnsLoseExactlyTheWordsAfterTheCut()
    {
        var options = new DialogueOptions { Seed = 5, OverlapRatio = 0, InterruptionRatio = 0.6, BackchannelRate = 6, TurnsMin = 4, TurnsMax = 8 };
        var planner = new DialoguePlanner(DialogueTestData.Lines, VoiceIds, options);
        int seen = 0;
        for (int i = 0; i < 30; i++)
        {
            var (plan, layout) = await DialogueTestData.Arrange(planner, options, i);
            var turns = layout.Events.Where(e => e.Type == DialogueEvent.Turn).ToList();
            Assert.Equal(plan.Turns.Count, turns.Count);
            for (int k = 0; k < turns.Count; k++)
            {
                var t = turns[k];
                Assert.Equal(DialogueEvent.Roles[plan.Turns[k].Speaker], t.Speaker);
                string[] line = plan.Turns[k].Text.Split(' ');
                string[] kept = t.Text!.Split(' ');
                // What the channel's words say inside the turn is exactly the kept text.
                int channel = plan.Turns[k].Speaker;
                string[] heard = [.. layout.Words[channel].Where(w => w.Start >= t.Start - 1e-6 && w.End <= t.End + 1e-6).Select(w => w.Word)];
                Assert.Equal(kept, heard);
                if (t.Dropped is null) { Assert.Equal(line, kept); continue; }
                seen++;
                string[] dropped = t.Dropped.Split(' ');
                Assert.NotEmpty(dropped);
                Assert.Equal(line, kept.Concat(dropped));
                // The next turn is the interruption, and this turn stops where the event says.
                var interruption = layout.Events.Single(e => e.Type == DialogueEvent.Interruption && e.Start == turns[k + 1].Start);
                Assert.Equal(t.End, interruption.End);
                Assert.True(interruption.Start < t.End, "the interrupter starts before the cut");
                // No word of the dropped part is anywhere in the channel after the cut, before the speaker's next turn.
                double next = k + 2 < turns.Count ? turns[k + 2].Start : double.PositiveInfinity;
                Assert.DoesNotContain(layout.Words[channel], w => w.Start > t.End && w.Start < next && dropped.Contains(w.Word));
            }
        }
        Assert.True(seen >= 20, $"only {seen} interruptions");
    }

    [Fact]
    public async Task NobodyTalksOverThemselvesAndWordsAreOrdered()
    {
        var options = new DialogueOptions { Seed = 9, OverlapRatio = 0.4, InterruptionRatio = 0.4, BackchannelRate = 12 };
        var planner = new DialoguePlanner(DialogueTestData.Lines, VoiceIds, options);
        for (int i = 0; i < 30; i++)
        {
            var (_, layout) = await DialogueTestData.Arrange(planner, options, i);
            foreach (var words in layout.Words)
                for (int j = 1; j < words.Count; j++)
                    Assert.True(words[j].Start >= words[j - 1].End - 1e-9, $"dialogue {i}: {words[j - 1]} then {words[j]}");
            foreach (string role in DialogueEvent.Roles)
            {
                var spans = layout.Events.Where(e => e.Speaker == role && e.Type is DialogueEvent.Turn or DialogueEvent.Backchannel).OrderBy(e => e.Start).ToList();
                for (int j = 1; j < spans.Count; j++)
                    Assert.True(spans[j].Start >= spans[j - 1].End, $"dialogue {i}: {role} overlaps itself at {spans[j].Start}");
            }
        }
    }
}
