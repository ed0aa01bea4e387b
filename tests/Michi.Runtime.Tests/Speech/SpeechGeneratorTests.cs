// SpeechGenerator over a real tiny SpeechModel (random weights, seeded): streaming equals offline
// (the stream collected, the vocoder run over all latents at once, and the backbone run over all
// positions in one batched pass), seeds reproduce, the kernel path agrees with LibTorch, context
// positions equal a session prefed with the same text, voice prompts run, mismatched parts are
// refused.
using Michi.Model.Codec;
using Michi.Model.Speech;
using Michi.Runtime.Speech;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Runtime.Tests.Speech;

public sealed class SpeechGeneratorTests
{
    private const string Sentence = "The quick brown fox jumps over the lazy dog.";

    private static async Task<(List<SpeechAudioChunk> Chunks, List<SpeechTextToken> Tokens, SpeechEnd End)> Stream(
        IAsyncEnumerable<SpeechEvent> events, bool slowConsumer = false)
    {
        var chunks = new List<SpeechAudioChunk>();
        var tokens = new List<SpeechTextToken>();
        SpeechEnd? end = null;
        await foreach (var e in events)
        {
            if (slowConsumer) await Task.Delay(2);
            switch (e)
            {
                case SpeechAudioChunk a: chunks.Add(a); break;
                case SpeechTextToken t: tokens.Add(t); break;
                case SpeechEnd x: end = x; break;
            }
        }
        return (chunks, tokens, end!);
    }

    [Fact]
    public async Task StreamingEqualsOfflineGeneration()
    {
        using var model = TinySpeechModel.Create(seed: 3);
        var generator = new SpeechGenerator(model, model.Tokenizer);
        var options = TinySpeechModel.Options(seed: 11);
        var (chunks, tokens, end) = await Stream(generator.GenerateAsync(SpeechRequest.Say(Sentence), options), slowConsumer: true);
        var offline = await generator.SynthesizeAsync(SpeechRequest.Say(Sentence), options);

        int[] prompt = model.Tokenizer!.Encode(Sentence);
        Assert.Equal(prompt, tokens.Select(t => t.TokenId));
        Assert.Equal(Sentence, offline.Text);
        Assert.Equal(chunks.Count, end.Frame);
        Assert.All(chunks, c => Assert.Equal(1920, c.Samples.Length));
        Assert.Equal(chunks.SelectMany(c => c.Samples), offline.Samples);
        Assert.Equal(tokens.Select(t => (t.Frame, t.TokenId)), offline.Tokens.Select(t => (t.Frame, t.TokenId)));
        Assert.Equal(end, offline.End);

        // The vocoder over all latents at once gives the streamed audio.
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var latents = torch.tensor(chunks.SelectMany(c => c.Latent).ToArray(), [1, chunks.Count, model.Info.LatentDim]);
        var audio = model.Codec.Decode(latents).flatten().data<float>().ToArray();
        Assert.Equal(offline.Samples.Length, audio.Length);
        Assert.True(MaxDifference(audio, offline.Samples) < 1e-5, $"vocoder offline vs streamed: {MaxDifference(audio, offline.Samples)}");

        // The backbone over every position in one teacher-forced pass, sampled with the same noise,
        // gives the streamed latents: the frame-by-frame path (kernel + KV cache) is the model.
        var replayed = Replay(model, chunks, tokens, options.Seed!.Value);
        for (int f = 0; f < chunks.Count; f++)
            Assert.True(MaxDifference(replayed[f], chunks[f].Latent) < 1e-4, $"frame {f}: {MaxDifference(replayed[f], chunks[f].Latent)}");
    }

    [Fact]
    public async Task SeedsReproduce()
    {
        using var model = TinySpeechModel.Create(seed: 4);
        var generator = new SpeechGenerator(model, model.Tokenizer);
        var request = SpeechRequest.Say(Sentence);
        var a = await generator.SynthesizeAsync(request, TinySpeechModel.Options(5) with { ContinueSeconds = 0.4 });
        var b = await generator.SynthesizeAsync(request, TinySpeechModel.Options(5) with { ContinueSeconds = 0.4 });
        var c = await generator.SynthesizeAsync(request, TinySpeechModel.Options(6) with { ContinueSeconds = 0.4 });
        Assert.Equal(a.Samples, b.Samples);
        Assert.Equal(a.Tokens.Select(t => (t.Frame, t.TokenId)), b.Tokens.Select(t => (t.Frame, t.TokenId)));
        Assert.NotEqual(a.Samples, c.Samples);
        Assert.Equal(5, a.End.Seed);
    }

    [Fact]
    public async Task KernelPathAgreesWithLibTorchPath()
    {
        using var fast = TinySpeechModel.Create(seed: 7);
        using var slow = TinySpeechModel.Create(seed: 7, new SpeechModelOptions { FastDecode = false });
        Assert.True(fast.UsesFastDecode);
        Assert.False(slow.UsesFastDecode);
        var options = TinySpeechModel.Options(8) with { ContinueSeconds = 0.8 };
        var a = await new SpeechGenerator(fast, fast.Tokenizer).SynthesizeAsync(SpeechRequest.Say(Sentence), options);
        var b = await new SpeechGenerator(slow, slow.Tokenizer).SynthesizeAsync(SpeechRequest.Say(Sentence), options);
        Assert.Equal(a.Tokens.Select(t => (t.Frame, t.TokenId)), b.Tokens.Select(t => (t.Frame, t.TokenId)));
        Assert.Equal(a.Samples.Length, b.Samples.Length);
        Assert.True(MaxDifference(a.Samples, b.Samples) < 1e-3, $"{MaxDifference(a.Samples, b.Samples)}");
    }

    [Fact]
    public async Task ContextPositionsEqualASessionPrefedWithTheSameText()
    {
        using var model = TinySpeechModel.Create(seed: 9);
        var generator = new SpeechGenerator(model, model.Tokenizer);
        const string context = "Retrieved: the fox is brown and quick.";
        var options = TinySpeechModel.Options(12);
        var withContext = await generator.SynthesizeAsync(SpeechRequest.Say("A fox.") with { Context = context }, options);

        using var session = model.OpenSession(256, seed: 12);
        session.AppendText(model.Tokenizer!.Encode(context));
        var prefed = await SpeechResult.CollectAsync(generator.GenerateAsync(session, SpeechRequest.Say("A fox."), options), model.Info);

        Assert.Equal(withContext.Tokens.Select(t => (t.Frame, t.TokenId)), prefed.Tokens.Select(t => (t.Frame, t.TokenId)));
        Assert.Equal(withContext.Samples.Length, prefed.Samples.Length);
        Assert.True(MaxDifference(withContext.Samples, prefed.Samples) < 1e-4, $"{MaxDifference(withContext.Samples, prefed.Samples)}");

        // …and the context matters: without it the speech differs.
        var without = await generator.SynthesizeAsync(SpeechRequest.Say("A fox."), options);
        Assert.True(without.Samples.Length != withContext.Samples.Length || MaxDifference(without.Samples, withContext.Samples) > 1e-3);
    }

    [Fact]
    public async Task VoicePromptsContinueForTheAskedTime()
    {
        using var model = TinySpeechModel.Create(seed: 13);
        var generator = new SpeechGenerator(model, model.Tokenizer);
        var voice = new VoicePrompt(ForcedTextTests.Tone(1.3, 16000), 16000, Source: "ref.wav");
        var options = TinySpeechModel.Options(14) with { ContinueSeconds = 0.8, EndOfTurn = EndOfTurnMode.Suppress };

        var continued = await generator.SynthesizeAsync(new SpeechRequest { Voice = voice }, options);
        Assert.Equal(10, continued.Chunks.Count);
        Assert.Equal(10 * 1920, continued.Samples.Length);
        Assert.Equal(SpeechStopReason.Completed, continued.End.Reason);

        var plain = await generator.SynthesizeAsync(new SpeechRequest { TextTokens = [5] }, options);
        var cloned = await generator.SynthesizeAsync(new SpeechRequest { TextTokens = [5], Voice = voice with { Transcript = "a tone" } }, options);
        Assert.Equal(5, cloned.Tokens[0].TokenId);
        Assert.NotEqual(plain.Samples, cloned.Samples);   // the prompt is in the stream
    }

    [Fact]
    public void MismatchedPartsAreRefused()
    {
        var (lm, codec, tokenizer) = TinySpeechModel.Parts(15, CodecConfig.Tiny with { LatentDim = 16 });
        using (lm)
        using (codec)
        {
            var e = Assert.Throws<InvalidInputException>(() => new SpeechModel(lm, codec, tokenizer));
            Assert.Contains("latent_dim", e.Message);
        }
    }

    // Every generated frame's latent recomputed from one batched forward over the whole sequence.
    private static float[][] Replay(SpeechModel model, List<SpeechAudioChunk> chunks, List<SpeechTextToken> tokens, long seed)
    {
        var info = model.Info;
        int frames = chunks.Count, d = info.LatentDim;
        var spoken = tokens.ToDictionary(t => t.Frame, t => t.TokenId);
        var modelTokens = new long[frames];
        var userTokens = new long[frames];
        var speech = new bool[frames];
        var previous = new float[frames * d];
        var user = new float[frames * d];
        modelTokens[0] = info.StartOfSpeechId;
        userTokens[0] = SpeechLmInputs.NoToken;
        for (int p = 1; p < frames; p++)
        {
            modelTokens[p] = spoken.TryGetValue(p - 1, out int id) ? id : info.PadId;
            userTokens[p] = info.PadId;
            speech[p] = true;
            chunks[p - 1].Latent.CopyTo(previous, p * d);
            model.SilenceLatent.CopyTo(user, p * d);
        }
        var inputs = new SpeechLmInputs(torch.tensor(modelTokens, [1, frames]))
        {
            UserTokens = torch.tensor(userTokens, [1, frames]),
            ModelLatents = torch.tensor(previous, [1, frames, d]),
            UserLatents = torch.tensor(user, [1, frames, d]),
            SpeechMask = torch.tensor(speech, [1, frames]),
        };
        var hidden = model.Lm.Hidden(inputs);                                              // (1, F, C)
        var noise = new Generator((ulong)seed);
        return Enumerable.Range(0, frames)
            .Select(f => model.Lm.SampleLatent(hidden[0, f], rng: noise).data<float>().ToArray()).ToArray();
    }

    private static double MaxDifference(float[] a, float[] b) => a.Zip(b, (x, y) => (double)Math.Abs(x - y)).Max();
}
