// TextStreamPolicy on its own (masks and phase changes), and the voice-prompt token placement
// functions (listen-head tokens moved back by lag + δ; a transcript spread over voiced frames).
using Michi.Runtime.Speech;
using static Michi.Runtime.Tests.Speech.ScriptedSpeechModel;

namespace Michi.Runtime.Tests.Speech;

public sealed class TextStreamPolicyTests
{
    private static readonly SpeechModelInfo Ids = new ScriptedSpeechModel(_ => Pad).Info;

    private static float[] Logits() => new float[Ids.VocabSize];

    [Fact]
    public void PhasesFollowThePrompt()
    {
        var policy = new TextStreamPolicy([4, 5], Ids, continueFrames: 2, finishFrames: 1);
        Assert.Equal(TextStreamPolicy.Phase.Forced, policy.Current);
        Assert.Equal(new TextDecision(Pad, false, false), policy.Decide(Pad));
        Assert.Equal(new TextDecision(4, true, false), policy.Decide(11));
        Assert.Equal(new TextDecision(5, true, false), policy.Decide(EndOfTurn));   // "not PAD" while forced
        Assert.Equal(TextStreamPolicy.Phase.Continue, policy.Current);
        Assert.Equal(new TextDecision(11, false, false), policy.Decide(11));
        Assert.Equal(new TextDecision(Pad, false, false), policy.Decide(Pad));
        Assert.Equal(TextStreamPolicy.Phase.Finish, policy.Current);
        var finish = Logits();
        policy.Mask(finish);
        Assert.Equal([Pad, EndOfTurn], Enumerable.Range(0, finish.Length).Where(i => !float.IsNegativeInfinity(finish[i])));
        Assert.Equal(new TextDecision(EndOfTurn, false, true), policy.Decide(EndOfTurn));
        Assert.True(policy.IsDone);
        Assert.Throws<InvalidOperationException>(() => policy.Decide(Pad));
    }

    [Fact]
    public void WithoutAPromptOnlyTheContinuePhaseRuns()
    {
        Assert.True(new TextStreamPolicy([], Ids, continueFrames: 0, finishFrames: 5).IsDone);
        var policy = new TextStreamPolicy([], Ids, continueFrames: 2, finishFrames: 5, EndOfTurnMode.Suppress);
        var logits = Logits();
        policy.Mask(logits);
        Assert.True(float.IsNegativeInfinity(logits[EndOfTurn]));
        Assert.True(float.IsNegativeInfinity(logits[StartOfSpeech]));
        Assert.Equal(0, logits[Pad]);
        policy.Decide(3);
        policy.Decide(3);
        Assert.True(policy.IsDone);
    }

    [Fact]
    public void PadIsMaskedAfterTheWait()
    {
        var policy = new TextStreamPolicy([4], Ids, 0, 0, forceAfterFrames: 2);
        for (int i = 0; i < 2; i++)
        {
            var open = Logits();
            policy.Mask(open);
            Assert.Equal(0, open[Pad]);
            policy.Decide(Pad);
        }
        var forced = Logits();
        policy.Mask(forced);
        Assert.True(float.IsNegativeInfinity(forced[Pad]));
    }

    [Fact]
    public void HeardTokensMoveBackByLagAndLead()
    {
        // lag 1, lead 2: heard at 4, 5, 6 → 1, 2, 3; one heard at 1 (too early) clips to 0;
        // specials are dropped; a collision pushes forward.
        int[] heard = [Pad, 8, Pad, Pad, 9, 10, 11, EndOfTurn, Pad, 12];
        var tokens = VoicePromptPreparation.AlignHeardTokens(heard, lag: 1, lead: 2, Ids);
        Assert.Equal([8, 9, 10, 11, Pad, Pad, 12, Pad, Pad, Pad], tokens);
    }

    [Fact]
    public void TranscriptSpreadsOverVoicedFramesShiftedByLead()
    {
        bool[] voiced = [false, false, false, false, true, true, true, true, true, true, false, false];
        var tokens = VoicePromptPreparation.SpreadTokens([1, 2, 3], voiced, lead: 2, Pad);
        // voiced 4..9 → span 2..7 (6 frames), 3 tokens every 2 frames.
        Assert.Equal([Pad, Pad, 1, Pad, 2, Pad, 3, Pad, Pad, Pad, Pad, Pad], tokens);
        // More tokens than the voiced span: the span widens; every token still lands, in order.
        var many = VoicePromptPreparation.SpreadTokens([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], voiced, lead: 2, Pad);
        Assert.Equal(Enumerable.Range(1, 11), many.Where(t => t != Pad));
        Assert.Throws<ArgumentException>(() => VoicePromptPreparation.SpreadTokens(new int[13], voiced, 2, Pad));
    }
}
