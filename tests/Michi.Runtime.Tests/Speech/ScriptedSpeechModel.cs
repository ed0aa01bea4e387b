// A test double for ISpeechModel whose text head follows a script: at generated frame f its
// logits put all the mass on Script(f) (PAD, a text token, end of turn), so any sampler picks it.
// It records what the generator feeds (text positions, frames), and its latent and audio are
// simple functions of the frame (latent = [f, f, …], audio = f/1000 everywhere) so tests can see
// which frame produced which chunk. Sizes: vocabulary 20 text tokens + PAD 20, SOS 21, EOT 22.
using Michi.Runtime.Speech;

namespace Michi.Runtime.Tests.Speech;

internal sealed class ScriptedSpeechModel(Func<int, int> script, int maxPositions = 512) : ISpeechModel
{
    public const int TextVocab = 20, Pad = 20, StartOfSpeech = 21, EndOfTurn = 22;

    public Func<int, int> Script { get; } = script;

    public SpeechModelInfo Info { get; } = new(TextVocab + 3, Pad, StartOfSpeech, EndOfTurn, LatentDim: 2,
        FrameLength: 1920, SampleRate: 24000, MaxPositions: maxPositions, ListenLagFrames: 1, FlowSteps: 4, FlowTemperature: 1.0);

    public List<int[]> TextAppends { get; } = [];
    public List<FrameInput> PromptFrames { get; } = [];
    public List<FrameInput> SteppedFrames { get; } = [];

    /// <summary>What the listen head "hears" per frame, for voice prompts without a transcript.</summary>
    public Func<int, int> Heard { get; init; } = _ => Pad;

    /// <summary>Sleeps this long in each frame's backbone step (cancellation tests).</summary>
    public TimeSpan StepDelay { get; init; }

    /// <summary>Vocode(frame f ≥ 1) waits (up to 5 s) for frame f + 1's backbone step to start, and
    /// records in OverlappedFrames whether it did (pipelining tests).</summary>
    public bool VocodeWaitsForNextStep { get; init; }

    public List<int> OverlappedFrames { get; } = [];

    /// <summary>Frames whose Vocode ran while a StepFrame was running.</summary>
    public List<int> VocodedWhileStepping { get; } = [];

    private int _stepsStarted, _stepsRunning;

    /// <summary>StepFrame calls running now (a generator must not leave one behind).</summary>
    public int StepsRunning => Volatile.Read(ref _stepsRunning);

    public float[] SilenceLatent { get; } = [-1, -1];

    public ISpeechModelSession OpenSession(int capacity, long seed) => new Session(this, capacity);

    public float[][] EncodeAudio(float[] samples) =>
        Enumerable.Range(0, samples.Length / Info.FrameLength).Select(f => new float[] { 100 + f, 100 + f }).ToArray();

    public int[] ListenTokens(float[][] latents) => Enumerable.Range(0, latents.Length).Select(Heard).ToArray();

    private sealed class Session(ScriptedSpeechModel model, int capacity) : ISpeechModelSession
    {
        private int _frame;   // the generated frame the heads answer for next

        public int Position { get; private set; }
        public int Capacity => capacity;

        public void AppendText(ReadOnlySpan<int> tokens)
        {
            model.TextAppends.Add(tokens.ToArray());
            Advance(tokens.Length);
        }

        public void AppendFrames(IReadOnlyList<FrameInput> frames)
        {
            model.PromptFrames.AddRange(frames);
            Advance(frames.Count);
        }

        public void StepFrame(FrameInput frame)
        {
            Interlocked.Increment(ref model._stepsStarted);
            Interlocked.Increment(ref model._stepsRunning);
            if (model.StepDelay > TimeSpan.Zero) Thread.Sleep(model.StepDelay);
            lock (model.SteppedFrames) model.SteppedFrames.Add(frame);
            Advance(1);
            _frame++;
            Interlocked.Decrement(ref model._stepsRunning);
        }

        public void TextLogits(Span<float> logits)
        {
            logits.Fill(-10);
            logits[model.Script(_frame)] = 10;
        }

        public void SampleLatent(int steps, double temperature, Span<float> latent) => latent.Fill(_frame);

        public void Vocode(ReadOnlySpan<float> latent, Span<float> samples)
        {
            int frame = (int)latent[0];
            if (model.StepsRunning > 0) lock (model.VocodedWhileStepping) model.VocodedWhileStepping.Add(frame);
            if (model.VocodeWaitsForNextStep && frame > 0 && SpinWait.SpinUntil(() => Volatile.Read(ref model._stepsStarted) > frame, TimeSpan.FromSeconds(5)))
                lock (model.OverlappedFrames) model.OverlappedFrames.Add(frame);
            samples.Fill(latent[0] / 1000f);
        }

        public void WarmVocoder(IReadOnlyList<float[]> latents) { }

        private void Advance(int n)
        {
            if (Position + n > capacity) throw new InvalidOperationException($"capacity {capacity} exceeded");
            Position += n;
        }

        public void Dispose() { }
    }
}
