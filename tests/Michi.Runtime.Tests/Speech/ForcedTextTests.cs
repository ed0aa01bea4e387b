// SpeechGenerator's text-stream logic driven by a scripted model (the text head's choice per
// frame is fixed, so every outcome is known): forced text takes every prompt token in order,
// exactly once, where the model says "not PAD"; what the generator feeds back; the phases after
// the prompt; end of turn; forcing after a long hesitation; refusals before any work.
using Michi.Runtime.Speech;
using static Michi.Runtime.Tests.Speech.ScriptedSpeechModel;

namespace Michi.Runtime.Tests.Speech;

public sealed class ForcedTextTests
{
    private static readonly SpeechOptions Greedy = new()
    {
        Text = new GenerationOptions { Greedy = true }, Seed = 1, FinishSeconds = 0, ForceTokenAfterSeconds = 0,
    };

    private static async Task<List<SpeechEvent>> Run(ISpeechModel model, SpeechRequest request, SpeechOptions options, CancellationToken ct = default)
    {
        var events = new List<SpeechEvent>();
        await foreach (var e in new SpeechGenerator(model).GenerateAsync(request, options, ct)) events.Add(e);
        return events;
    }

    [Fact]
    public async Task EveryPromptTokenIsSaidInOrderExactlyOnceWhereTheModelSaysNotPad()
    {
        // The model wants PAD on frames 0, 1, 4, 7, 8 and token 7 elsewhere; the prompt repeats a token.
        int[] padFrames = [0, 1, 4, 7, 8];
        var model = new ScriptedSpeechModel(f => padFrames.Contains(f) ? Pad : 7);
        int[] prompt = [3, 9, 4, 4, 12, 1];
        var events = await Run(model, new SpeechRequest { TextTokens = prompt }, Greedy with { FinishSeconds = 0.24 });

        var text = events.OfType<SpeechTextToken>().ToList();
        Assert.Equal(prompt, text.Select(t => t.TokenId));
        Assert.All(text, t => Assert.True(t.Forced));
        Assert.Equal([2, 3, 5, 6, 9, 10], text.Select(t => t.Frame));        // exactly the not-PAD frames, in order

        // The frame's token is what the next frame reads as the model's previous token.
        var chunks = events.OfType<SpeechAudioChunk>().ToList();
        var decided = Enumerable.Range(0, chunks.Count).Select(f => text.FirstOrDefault(t => t.Frame == f)?.TokenId ?? Pad).ToArray();
        Assert.Equal(decided[..^1], model.SteppedFrames.Select(s => s.ModelToken));
        Assert.All(model.SteppedFrames, s => Assert.Equal(Pad, s.UserToken));
        Assert.All(model.SteppedFrames, s => Assert.Equal(model.SilenceLatent, s.UserLatent));
        Assert.Equal(chunks.SkipLast(1).Select(c => c.Latent[0]), model.SteppedFrames.Select(s => s.ModelPreviousLatent[0]));

        // Three finish frames after the last token (the script's token 7 is masked there: PAD).
        Assert.Equal(11 + 3, chunks.Count);
        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Frame));
        Assert.All(chunks, c => Assert.Equal(1920, c.Samples.Length));
        var end = Assert.IsType<SpeechEnd>(events[^1]);
        Assert.Equal((SpeechStopReason.Completed, 0, 14), (end.Reason, end.PromptTokensLeft, end.Frame));
        Assert.Equal([[StartOfSpeech]], model.TextAppends);
    }

    [Fact]
    public async Task AfterThePromptTheModelContinuesOnItsOwnUntilEndOfTurn()
    {
        var model = new ScriptedSpeechModel(f => f == 10 ? EndOfTurn : f == 1 ? EndOfTurn : 7);
        var events = await Run(model, new SpeechRequest { TextTokens = [3, 9, 4] }, Greedy with { ContinueSeconds = 10 });
        var text = events.OfType<SpeechTextToken>().ToList();
        // Frame 1's end of turn falls in the forced phase: it only means "not PAD".
        Assert.Equal([3, 9, 4, 7, 7, 7, 7, 7, 7, 7], text.Select(t => t.TokenId));
        Assert.Equal(3, text.Count(t => t.Forced));
        Assert.Equal(11, events.OfType<SpeechAudioChunk>().Count());
        Assert.Equal(SpeechStopReason.EndOfTurn, Assert.IsType<SpeechEnd>(events[^1]).Reason);
    }

    [Fact]
    public async Task SuppressedEndOfTurnRunsToTheTimeLimit()
    {
        var model = new ScriptedSpeechModel(_ => EndOfTurn);
        var events = await Run(model, new SpeechRequest { TextTokens = [5] },
            Greedy with { ContinueSeconds = 0.8, FinishSeconds = 0.16, EndOfTurn = EndOfTurnMode.Suppress });
        Assert.Equal(1 + 10 + 2, events.OfType<SpeechAudioChunk>().Count());
        Assert.Equal(SpeechStopReason.Completed, Assert.IsType<SpeechEnd>(events[^1]).Reason);
        Assert.DoesNotContain(model.SteppedFrames, s => s.ModelToken == EndOfTurn);
    }

    [Fact]
    public async Task AHesitatingModelIsGivenTheNextTokenAfterTheWait()
    {
        var model = new ScriptedSpeechModel(_ => Pad);
        var events = await Run(model, new SpeechRequest { TextTokens = [3, 9, 4] }, Greedy with { ForceTokenAfterSeconds = 0.16 });
        var text = events.OfType<SpeechTextToken>().ToList();
        Assert.Equal([3, 9, 4], text.Select(t => t.TokenId));
        Assert.Equal([2, 5, 8], text.Select(t => t.Frame));

        // Without forcing, the text is cut by the time limit, and the end says how much was left.
        var cut = await Run(new ScriptedSpeechModel(_ => Pad), new SpeechRequest { TextTokens = [3, 9, 4] }, Greedy with { MaxSeconds = 0.8 });
        var end = Assert.IsType<SpeechEnd>(cut[^1]);
        Assert.Equal((SpeechStopReason.MaxLength, 3, 10), (end.Reason, end.PromptTokensLeft, end.Frame));
        Assert.Empty(cut.OfType<SpeechTextToken>());
    }

    [Fact]
    public async Task ContextGoesInAsTextPositionsBeforeStartOfSpeech()
    {
        var model = new ScriptedSpeechModel(_ => 7);
        await Run(model, new SpeechRequest { TextTokens = [3], ContextTokens = [11, 12, 13] }, Greedy);
        Assert.Equal([[11, 12, 13, StartOfSpeech]], model.TextAppends);
    }

    [Fact]
    public async Task AVoicePromptFillsTheModelStreamWithItsHeardTranscript()
    {
        // 1.5 s of a tone: 18 whole frames; the listen head hears tokens 8 and 9 at frames 5 and 6.
        var model = new ScriptedSpeechModel(_ => 7) { Heard = f => f == 5 ? 8 : f == 6 ? 9 : Pad };
        var voice = new VoicePrompt(Tone(1.5, 24000), 24000);
        var events = await Run(model, new SpeechRequest { TextTokens = [3], Voice = voice }, Greedy);

        Assert.Equal(18, model.PromptFrames.Count);
        Assert.Equal(Enumerable.Range(0, 18).Select(p => 100f + p), model.PromptFrames.Select(p => p.ModelPreviousLatent[0]));
        // lag 1 + lead 2: heard at 5, 6 → placed at 2, 3.
        var tokens = model.PromptFrames.Select(p => p.ModelToken).ToArray();
        Assert.Equal([Pad, Pad, 8, 9, .. Enumerable.Repeat(Pad, 14)], tokens);
        Assert.Equal(3, events.OfType<SpeechTextToken>().Single().TokenId);
    }

    [Theory]
    [InlineData(0.5, 0.5, "at least 1 s")]
    [InlineData(2.0, 0.0, "silent")]
    public async Task UnusableVoicePromptsAreRefused(double seconds, double amplitude, string expected)
    {
        var model = new ScriptedSpeechModel(_ => 7);
        var samples = Tone(seconds, 16000).Select(s => (float)(s * amplitude)).ToArray();
        var e = await Assert.ThrowsAsync<InvalidInputException>(() =>
            Run(model, new SpeechRequest { TextTokens = [3], Voice = new VoicePrompt(samples, 16000, Source: "ref.wav") }, Greedy));
        Assert.StartsWith("ref.wav: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public async Task TextThatCannotFitIsRefusedBeforeAnyWork()
    {
        var model = new ScriptedSpeechModel(_ => 7, maxPositions: 8);
        var fits = await Run(model, new SpeechRequest { TextTokens = [1, 2, 3, 4, 5, 6, 7, 8] }, Greedy);   // SOS + 7 frames: 8 frames
        Assert.Equal(8, fits.OfType<SpeechTextToken>().Count());
        model.TextAppends.Clear();
        var e = await Assert.ThrowsAsync<InvalidInputException>(() => Run(model, new SpeechRequest { TextTokens = [1, 2, 3, 4, 5, 6, 7, 8, 9] }, Greedy));
        Assert.Contains("9 tokens", e.Message);
        Assert.Contains("context of 8 positions", e.Message);
        e = await Assert.ThrowsAsync<InvalidInputException>(() =>
            Run(new ScriptedSpeechModel(_ => 7), new SpeechRequest { TextTokens = [1, 2, 3, 4, 5, 6] }, Greedy with { MaxSeconds = 0.4 }));
        Assert.Contains("0.4 s limit", e.Message);
        await Assert.ThrowsAsync<InvalidInputException>(() => Run(model, new SpeechRequest { TextTokens = [1], ContextTokens = [1, 2, 3, 4, 5, 6, 7] }, Greedy));
        await Assert.ThrowsAsync<InvalidInputException>(() => Run(model, new SpeechRequest { TextTokens = [Pad] }, Greedy));
        await Assert.ThrowsAsync<InvalidInputException>(() => Run(model, new SpeechRequest(), Greedy));
        await Assert.ThrowsAsync<InvalidInputException>(() => Run(model, SpeechRequest.Say("no tokenizer here"), Greedy));
        await Assert.ThrowsAsync<InvalidInputException>(() => Run(model, new SpeechRequest { TextTokens = [1] }, Greedy with { MaxSeconds = 0 }));
        Assert.Empty(model.TextAppends);
    }

    [Fact]
    public async Task CancellationStopsWithinAFrame()
    {
        var model = new ScriptedSpeechModel(_ => 7) { StepDelay = TimeSpan.FromMilliseconds(20) };
        using var cts = new CancellationTokenSource();
        int chunks = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        TimeSpan cancelledAt = default;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var e in new SpeechGenerator(model).GenerateAsync(new SpeechRequest { TextTokens = [1] },
                               Greedy with { ContinueSeconds = 60 }, cts.Token))
            {
                if (e is SpeechAudioChunk && ++chunks == 3)
                {
                    cancelledAt = clock.Elapsed;
                    cts.Cancel();
                }
            }
        });
        Assert.Equal(3, chunks);
        Assert.True(clock.Elapsed - cancelledAt < TimeSpan.FromSeconds(1), $"took {clock.Elapsed - cancelledAt} to stop");
        Assert.True(model.SteppedFrames.Count <= 3, $"{model.SteppedFrames.Count} frames stepped");
    }

    internal static float[] Tone(double seconds, int rate) =>
        Enumerable.Range(0, (int)(seconds * rate)).Select(i => 0.3f * MathF.Sin(2 * MathF.PI * 220 * i / rate)).ToArray();
}
