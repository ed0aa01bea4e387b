// The one streaming speech generator (DESIGN.md §3 and §6): a request (text, voice prompt,
// context, in any combination) becomes an IAsyncEnumerable of 80 ms PCM chunks and text events.
// The generator holds only shared, read-only things (model, tokenizer); every call opens its own
// session (KV cache, vocoder state, flow noise) and its own text sampler, so one generator serves
// concurrent callers. Offline generation is the same stream collected (SpeechResult.CollectAsync):
// there is no second code path to drift.
// Sequence fed to the backbone (see ISpeechModel for the position convention):
//   [context text] [start of speech] [voice prompt frames] [generated frames …]
// Per generated frame: one backbone pass (none for the first: the last prefill position already
// predicts it) → text head, masked and sampled, through TextStreamPolicy → speak head (Euler) →
// vocoder step → text event (unless PAD) and the audio chunk, silent or not. The user stream is
// a silent user (PAD, the encoder's latent of silence) throughout.
// Each frame's work runs on the thread pool (a caller's thread never blocks on a forward pass);
// cancellation is checked between frames.
// Pipelined: the vocoder is on the output side only (latent(t) → audio(t), and latent(t) →
// backbone input(t + 1)), so the vocoder step of frame t runs concurrently with frames t + 1's
// backbone, text head and speak head, on another core (from frame 1 on: frame 0's vocoder step
// runs alone, so the first chunk, which sets the time to first audio, is not slowed; and
// SpeechOptions.OverlapVocoder = false keeps to one core, frame after frame). The frames' order of operations on the
// session's state is unchanged (the vocoder's state and the LM's state are disjoint), so the
// output is the same as run one after the other (tested). The next frame is started only once
// this frame's decision says there is one; if the caller stops early, the frame in flight is
// waited for (and dropped) before the session is released.
// FrameTiming.TotalMs is the wall time from the previous chunk being ready to this one (frame 0:
// from its start): with the overlap that, not the sum of the parts, is the rate audio comes at.
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Michi.Model.Text;

namespace Michi.Runtime.Speech;

public sealed class SpeechGenerator(ISpeechModel model, TextTokenizer? tokenizer = null)
{
    public ISpeechModel Model { get; } = model ?? throw new ArgumentNullException(nameof(model));
    public TextTokenizer? Tokenizer { get; } = tokenizer;

    /// <summary>Generates speech for <paramref name="request"/> in a fresh session.</summary>
    public async IAsyncEnumerable<SpeechEvent> GenerateAsync(SpeechRequest request, SpeechOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new SpeechOptions();
        options.Validate();
        var plan = Plan(request, options, used: 0, Model.Info.MaxPositions);
        using var session = Model.OpenSession(plan.Capacity, plan.Seed);
        await foreach (var e in RunAsync(session, plan, options, cancellationToken).ConfigureAwait(false))
            yield return e;
    }

    /// <summary>Generates speech after whatever <paramref name="session"/> already holds (e.g. text
    /// the caller appended); the session's noise generator is the caller's. The text sampler is
    /// seeded from options.Seed.</summary>
    public async IAsyncEnumerable<SpeechEvent> GenerateAsync(ISpeechModelSession session, SpeechRequest request, SpeechOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        options ??= new SpeechOptions();
        options.Validate();
        var plan = Plan(request, options, session.Position, session.Capacity);
        await foreach (var e in RunAsync(session, plan, options, cancellationToken).ConfigureAwait(false))
            yield return e;
    }

    /// <summary>Offline: the whole generation at once (the stream, collected).</summary>
    public Task<SpeechResult> SynthesizeAsync(SpeechRequest request, SpeechOptions? options = null, CancellationToken cancellationToken = default) =>
        SpeechResult.CollectAsync(GenerateAsync(request, options, cancellationToken), Model.Info);

    private sealed record GenerationPlan(int[] Context, PreparedVoice? Voice, int[] Text, int Frames, int Capacity, long Seed);

    private GenerationPlan Plan(SpeechRequest request, SpeechOptions options, int used, int capacityLimit)
    {
        ArgumentNullException.ThrowIfNull(request);
        var info = Model.Info;
        int[] context = request.ContextTokens ?? (request.Context is { } c ? Tokenize(c, "context") : []);
        CheckIds(context, "context");
        var voice = request.Voice is { } v
            ? VoicePromptPreparation.Prepare(Model, v, Tokenizer is null ? null : t => Tokenizer.Encode(t), options.TextLeadFrames)
            : null;
        int[] text = request.TextTokens ?? (request.Text is { } t ? Tokenize(voice is null ? t : " " + t.TrimStart(), "text") : []);
        if (request.Text is not null && request.TextTokens is null && text.Length == 0) throw new InvalidInputException("the text to say is empty");
        CheckIds(text, "text");
        if (text.Length == 0 && options.ContinueSeconds <= 0)
            throw new InvalidInputException("nothing to generate: no text to say and no seconds to continue");

        int fixedPositions = used + context.Length + 1 + (voice?.Frames ?? 0);
        if (fixedPositions >= capacityLimit)
            throw new InvalidInputException(
                $"context ({context.Length} tokens) and voice prompt ({voice?.Frames ?? 0} frames) need {fixedPositions} positions; the model holds {capacityLimit}");
        int maxFrames = SpeechOptions.Frames(options.MaxSeconds, info.FrameSeconds);
        int frames = Math.Min(maxFrames, capacityLimit - fixedPositions + 1);   // frame 0 costs no position
        if (text.Length > frames)
            throw new InvalidInputException(frames < maxFrames
                ? $"the text has {text.Length} tokens, more than the {frames} frames left in the model's context of {capacityLimit} positions (one token per frame at most)"
                : $"the text has {text.Length} tokens, more than the {frames} frames of the {options.MaxSeconds:0.##} s limit (one token per frame at most)");
        long seed = options.Seed ?? Random.Shared.NextInt64();
        return new GenerationPlan(context, voice, text, frames, fixedPositions + frames - 1, seed);
    }

    private async IAsyncEnumerable<SpeechEvent> RunAsync(ISpeechModelSession session, GenerationPlan plan, SpeechOptions options,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var info = Model.Info;
        int lead = options.TextLeadFrames;
        double frameSeconds = info.FrameSeconds;
        var policy = new TextStreamPolicy(plan.Text, info,
            continueFrames: SpeechOptions.Frames(options.ContinueSeconds, frameSeconds),
            finishFrames: SpeechOptions.Frames(options.FinishSeconds, frameSeconds),
            options.EndOfTurn, forceAfterFrames: SpeechOptions.Frames(options.ForceTokenAfterSeconds, frameSeconds));
        var loop = new FrameLoop(session, policy, options, info, Model.SilenceLatent,
            new Random(unchecked((int)plan.Seed ^ (int)(plan.Seed >> 32))));
        var decoder = Tokenizer is null ? null : new StreamingTextDecoder(Tokenizer, skipSpecial: true);
        bool firstToken = true;

        ct.ThrowIfCancellationRequested();
        await Task.Run(() => Prefill(session, plan), ct).ConfigureAwait(false);

        var reason = SpeechStopReason.MaxLength;
        int frame = 0;
        Task<FrameLoop.Result>? next = plan.Frames > 0 && !policy.IsDone ? Task.Run(() => loop.Next(step: false), ct) : null;
        long previousReady = Stopwatch.GetTimestamp();
        try
        {
            while (next is not null)
            {
                var result = await next.ConfigureAwait(false);
                next = null;
                var decision = result.Decision;
                bool done = policy.IsDone;   // read before the next frame's decision can change it
                if (decision.EndOfTurn) reason = SpeechStopReason.EndOfTurn;
                else if (done) reason = SpeechStopReason.Completed;
                var latent = result.Latent;
                var vocoded = Task.Run(() => loop.Vocode(latent), ct);
                bool more = frame + 1 < plan.Frames && !done;
                ct.ThrowIfCancellationRequested();
                bool overlap = options.OverlapVocoder && frame > 0;   // the first chunk goes out unhurried (time to first audio)
                if (more && overlap) next = Task.Run(() => loop.Next(step: true), ct);
                var (samples, vocoderMs) = await vocoded.ConfigureAwait(false);
                if (more && !overlap) next = Task.Run(() => loop.Next(step: true), ct);
                long ready = Stopwatch.GetTimestamp();
                var timing = result.Timing with { VocoderMs = vocoderMs, TotalMs = FrameLoop.Ms(frame == 0 ? result.Started : previousReady, ready) };
                previousReady = ready;

                double seconds = frame * frameSeconds;
                if (decision.Token < info.PadId)   // a text token (PAD and the other added tokens are not)
                {
                    string piece = decoder?.Push(decision.Token) ?? "";
                    bool startsWord = firstToken || (piece.Length > 0 && char.IsWhiteSpace(piece[0]));
                    firstToken = false;
                    yield return new SpeechTextToken(frame, seconds, decision.Token, piece, startsWord, decision.Forced, (frame + lead) * frameSeconds);
                }
                yield return new SpeechAudioChunk(frame, seconds, samples, latent, timing);
                frame++;
                ct.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            // A frame still running when the caller stops uses the session: let it finish first.
            if (next is not null)
                try { await next.ConfigureAwait(false); }
                catch (Exception) { /* its result is dropped anyway */ }
        }
        yield return new SpeechEnd(frame, frame * frameSeconds, reason, policy.TokensLeft, plan.Seed);
    }

    private void Prefill(ISpeechModelSession session, GenerationPlan plan)
    {
        var info = Model.Info;
        session.AppendText([.. plan.Context, info.StartOfSpeechId]);
        if (plan.Voice is not { } voice) return;
        var silence = Model.SilenceLatent;
        var frames = new FrameInput[voice.Frames];
        for (int p = 0; p < frames.Length; p++)   // frame p + 1 reads the prompt's frame p
            frames[p] = new FrameInput(voice.Tokens[p], voice.Latents[p], info.PadId, silence);
        session.AppendFrames(frames);
        session.WarmVocoder(voice.Latents);
    }

    private int[] Tokenize(string text, string what) =>
        Tokenizer?.Encode(text) ?? throw new InvalidInputException($"this model has no tokenizer: give the {what} as token ids");

    private void CheckIds(int[] ids, string what)
    {
        int limit = Model.Info.PadId;   // text tokens only: the added tokens are the generator's business
        foreach (int id in ids)
            if ((uint)id >= (uint)limit) throw new InvalidInputException($"{what} token {id} is outside the text vocabulary (0..{limit - 1})");
    }

    /// <summary>One frame's work, with the state the frames share: previous token and latent,
    /// spoken tokens (for the repetition penalty), sampler, scratch arrays.</summary>
    private sealed class FrameLoop(ISpeechModelSession session, TextStreamPolicy policy, SpeechOptions options, SpeechModelInfo info,
        float[] silence, Random random)
    {
        private readonly float[] _logits = new float[info.VocabSize];
        private readonly List<int> _spoken = [];
        private readonly int _steps = options.FlowSteps ?? info.FlowSteps;
        private readonly double _temperature = options.FlowTemperature ?? info.FlowTemperature;
        private int _previousToken;
        private float[] _previousLatent = [];

        /// <summary>A frame up to its latent; Timing's vocoder and total are filled in by the caller.</summary>
        public readonly record struct Result(TextDecision Decision, float[] Latent, FrameTiming Timing, long Started);

        public Result Next(bool step)
        {
            long start = Stopwatch.GetTimestamp();
            if (step) session.StepFrame(new FrameInput(_previousToken, _previousLatent, info.PadId, silence));
            long backbone = Stopwatch.GetTimestamp();

            session.TextLogits(_logits);
            policy.Mask(_logits);
            int sampled = Sampling.Choose(_logits, options.Text, _spoken, random);
            var decision = policy.Decide(sampled);
            if (decision.Token < info.PadId) _spoken.Add(decision.Token);
            long text = Stopwatch.GetTimestamp();

            var latent = new float[info.LatentDim];
            session.SampleLatent(_steps, _temperature, latent);
            long speak = Stopwatch.GetTimestamp();

            _previousToken = decision.Token;
            _previousLatent = latent;
            return new Result(decision, latent, new FrameTiming(Ms(start, backbone), Ms(backbone, text), Ms(text, speak), 0, Ms(start, speak)), start);
        }

        /// <summary>The vocoder step for a latent (in frame order: it continues the vocoder's state), and its wall time.</summary>
        public (float[] Samples, double Ms) Vocode(float[] latent)
        {
            long start = Stopwatch.GetTimestamp();
            var samples = new float[info.FrameLength];
            session.Vocode(latent, samples);
            return (samples, Ms(start, Stopwatch.GetTimestamp()));
        }

        public static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;
    }
}
