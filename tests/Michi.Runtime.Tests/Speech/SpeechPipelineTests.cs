// SpeechGenerator's pipeline: frame t's vocoder step (t ≥ 1) runs while frame t + 1's backbone pass does
// (a scripted model that can only finish vocoding once the next step has started), a caller who
// stops early never leaves a frame running on the session, and the same seed gives the same
// speech with one and two threads (a real tiny model; streaming == offline is
// SpeechGeneratorTests.StreamingEqualsOfflineGeneration, with the pipeline in place).
using Michi.Model.Kernels;
using Michi.Runtime.Speech;
using static Michi.Runtime.Tests.Speech.ScriptedSpeechModel;

namespace Michi.Runtime.Tests.Speech;

public sealed class SpeechPipelineTests
{
    private static readonly SpeechOptions Greedy = new()
    {
        Text = new GenerationOptions { Greedy = true }, Seed = 1, FinishSeconds = 0, ForceTokenAfterSeconds = 0,
    };

    [Fact]
    public async Task TheVocoderOverlapsTheNextFramesBackbone()
    {
        var model = new ScriptedSpeechModel(f => f % 2 == 0 ? Pad : 7) { VocodeWaitsForNextStep = true };
        var events = new List<SpeechEvent>();
        await foreach (var e in new SpeechGenerator(model).GenerateAsync(new SpeechRequest { TextTokens = [3, 4, 5] }, Greedy)) events.Add(e);

        var chunks = events.OfType<SpeechAudioChunk>().ToList();
        Assert.Equal(6, chunks.Count);                                        // PAD, 3, PAD, 4, PAD, 5
        Assert.Equal(Enumerable.Range(0, 6), chunks.Select(c => c.Frame));
        Assert.All(chunks, c => Assert.Equal(c.Frame / 1000f, c.Samples[0]));   // each chunk from its own frame
        Assert.Equal(Enumerable.Range(1, 4), model.OverlappedFrames.Order());  // every frame but the first and last had its successor running
        Assert.Equal(SpeechStopReason.Completed, events.OfType<SpeechEnd>().Single().Reason);
        Assert.Equal(5, model.SteppedFrames.Count);                          // no frame beyond the end was started
    }

    [Fact]
    public async Task WithoutOverlapFramesRunOneAfterTheOther()
    {
        var model = new ScriptedSpeechModel(f => f % 2 == 0 ? Pad : 7) { StepDelay = TimeSpan.FromMilliseconds(20) };
        var events = new List<SpeechEvent>();
        await foreach (var e in new SpeechGenerator(model).GenerateAsync(new SpeechRequest { TextTokens = [3, 4, 5] }, Greedy with { OverlapVocoder = false }))
            events.Add(e);
        Assert.Equal(6, events.OfType<SpeechAudioChunk>().Count());
        Assert.Empty(model.VocodedWhileStepping);
    }

    [Fact]
    public async Task StoppingEarlyWaitsForTheFrameInFlight()
    {
        var model = new ScriptedSpeechModel(_ => Pad) { StepDelay = TimeSpan.FromMilliseconds(100) };
        int chunks = 0;
        await foreach (var e in new SpeechGenerator(model).GenerateAsync(new SpeechRequest { TextTokens = [3] }, Greedy with { ForceTokenAfterSeconds = 60 }))
            if (e is SpeechAudioChunk && ++chunks == 2) break;                // frame 2's step is now running
        Assert.Equal(0, model.StepsRunning);
        Assert.Equal(2, model.SteppedFrames.Count);                          // frames 1 and 2 (dropped), nothing after
    }

    [Fact]
    public async Task TheSameSeedGivesTheSameSpeechWithOneAndTwoThreads()
    {
        using var onePool = new ComputePool(1);
        using var twoPool = new ComputePool(2);
        using var one = TinySpeechModel.Create(seed: 17, new SpeechModelOptions { Pool = onePool, TorchThreads = 1 });
        using var two = TinySpeechModel.Create(seed: 17, new SpeechModelOptions { Pool = twoPool, TorchThreads = 2, VocoderThreads = 2 });
        var options = TinySpeechModel.Options(18) with { ContinueSeconds = 0.8 };
        var a = await new SpeechGenerator(one, one.Tokenizer).SynthesizeAsync(SpeechRequest.Say("The fox."), options);
        var b = await new SpeechGenerator(two, two.Tokenizer).SynthesizeAsync(SpeechRequest.Say("The fox."), options);
        Assert.Equal(a.Tokens.Select(t => (t.Frame, t.TokenId)), b.Tokens.Select(t => (t.Frame, t.TokenId)));
        Assert.Equal(a.Samples.Length, b.Samples.Length);
        Assert.True(a.Samples.Length >= 10 * 1920);
        double difference = a.Samples.Zip(b.Samples, (x, y) => Math.Abs(x - y)).Max();
        Assert.True(difference < 1e-5, $"max difference {difference}");
    }
}
