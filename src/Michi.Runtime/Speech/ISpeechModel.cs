// What SpeechGenerator needs from a speech model, as a small interface (STYLE.md: sessions
// driven by a mock model): the ids and sizes it must know, a per-call session, and the audio
// helpers a voice prompt needs. SpeechModel implements it over SpeechLm + AudioCodec; tests
// implement it with scripted text-head decisions, so the generator's logic is tested without
// depending on what random weights happen to say.
// Vectors cross the interface as float arrays (latents are 8–32 floats, logits one array per
// frame): the generator's loop stays free of tensors and their lifetimes.
// Position convention (DESIGN.md §3, the one SpeechLm's training uses): position 0 of speech is
// the text-only start-of-speech token and predicts frame 0; frame p ≥ 1 is fed the model's token
// and latent of frame p − 1 with the user's token and latent of frame p, and predicts frame p.
namespace Michi.Runtime.Speech;

/// <summary>Ids and sizes of a speech model.</summary>
/// <param name="VocabSize">Width of the text head (backbone vocabulary + added tokens).</param>
/// <param name="PadId">"No new text this frame".</param>
/// <param name="MaxPositions">The backbone's context: text positions plus frames.</param>
/// <param name="FlowSteps">The speak head's default Euler steps.</param>
/// <param name="FlowTemperature">The speak head's default noise scale.</param>
public sealed record SpeechModelInfo(
    int VocabSize, int PadId, int StartOfSpeechId, int EndOfTurnId, int LatentDim,
    int FrameLength, int SampleRate, int MaxPositions, int ListenLagFrames, int FlowSteps, double FlowTemperature)
{
    public double FrameSeconds => (double)FrameLength / SampleRate;
}

/// <summary>One speech frame's input: the model's token and latent of the previous frame, the
/// user's token and latent of this frame.</summary>
public readonly record struct FrameInput(int ModelToken, float[] ModelPreviousLatent, int UserToken, float[] UserLatent);

public interface ISpeechModel
{
    SpeechModelInfo Info { get; }

    /// <summary>A fresh session for up to <paramref name="capacity"/> positions; its noise (speak
    /// head) comes from a generator seeded with <paramref name="seed"/>.</summary>
    ISpeechModelSession OpenSession(int capacity, long seed);

    /// <summary>The user latent of a silent user (the listen encoder's steady state on digital silence).</summary>
    float[] SilenceLatent { get; }

    /// <summary>Mono samples at Info.SampleRate, a whole number of frames → one latent per frame
    /// (listen encoder, fresh stream).</summary>
    float[][] EncodeAudio(float[] samples);

    /// <summary>The listen text head's most likely token per frame for these latents (fresh stream).</summary>
    int[] ListenTokens(float[][] latents);
}

/// <summary>The state of one generation: KV cache, vocoder state, noise generator. After any
/// Append/Step, the heads read the hidden state of the last position fed.</summary>
public interface ISpeechModelSession : IDisposable
{
    int Position { get; }
    int Capacity { get; }

    /// <summary>Text-only positions (context, start of speech), in one pass.</summary>
    void AppendText(ReadOnlySpan<int> tokens);

    /// <summary>Speech frames known in advance (a voice prompt), in one pass.</summary>
    void AppendFrames(IReadOnlyList<FrameInput> frames);

    /// <summary>One generated frame: one backbone pass.</summary>
    void StepFrame(FrameInput frame);

    /// <summary>Text head on the last position: logits over Info.VocabSize.</summary>
    void TextLogits(Span<float> logits);

    /// <summary>Speak head on the last position: Euler steps of the flow from the session's noise.</summary>
    void SampleLatent(int steps, double temperature, Span<float> latent);

    /// <summary>One frame of audio (FrameLength samples) from a latent, continuing the vocoder's state.
    /// SpeechGenerator calls it concurrently with the next frame's StepFrame, TextLogits and
    /// SampleLatent (never with another Vocode): it must touch only the vocoder's state.</summary>
    void Vocode(ReadOnlySpan<float> latent, Span<float> samples);

    /// <summary>Runs prompt latents through the vocoder (output dropped), so the first generated
    /// frame continues the prompt's audio instead of starting from silence.</summary>
    void WarmVocoder(IReadOnlyList<float[]> latents);
}
