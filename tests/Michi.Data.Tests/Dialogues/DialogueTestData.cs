// Shared inputs and checks for the dialogue tests: a short text, the fake engine's voices, and
// a per-channel energy reading (absolute threshold: a channel may be mostly silence, so the
// relative threshold of EnergyEnvelope.Active would not do).
using Michi.Data.Dialogues;
using Michi.Data.Synthesis;

namespace Michi.Data.Tests.Dialogues;

static class DialogueTestData
{
    public static readonly string[] Lines =
    [
        "Good morning, how did you sleep last night?",
        "Not very well, the neighbours were loud again.",
        "That sounds awful, did you talk to them about it?",
        "I tried, but nobody answered the door at all.",
        "Maybe leave a note under their door tomorrow morning.",
        "Yes, that is a good idea, I will do that.",
        "Shall we get some coffee before the meeting starts?",
        "Sure, the place on the corner opens at eight.",
    ];

    public static EngineVoice[] Voices(FakeEngine engine) => [.. engine.Voices.Select(v => new EngineVoice(engine, v))];

    public static Task<SynthResult> Fake(string text, double rate, double pitch) => Task.FromResult(FakeEngine.Speak(text, rate, pitch));

    /// <summary>Lays out dialogue <paramref name="index"/> with the fake engine, without files.</summary>
    public static async Task<(DialoguePlan Plan, DialogueLayoutResult Layout)> Arrange(DialoguePlanner planner, DialogueOptions options, int index)
    {
        var plan = planner.For(index);
        var clips = plan.Turns.Select(t => FakeEngine.Speak(t.Text, plan.Rates[t.Speaker], plan.Pitches[t.Speaker])).ToArray();
        var layout = await DialogueLayout.ArrangeAsync(plan, options, clips, (s, text) => Fake(text, plan.Rates[s], plan.Pitches[s]));
        return (plan, layout);
    }

    /// <summary>Whether each 10 ms hop of <paramref name="x"/> has sound (RMS above −40 dBFS).</summary>
    public static bool[] Active(float[] x) => [.. EnergyEnvelope.LevelsDb(x, SynthResult.SampleRate).Select(db => db > -40)];
}
