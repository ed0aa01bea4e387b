// What SpeechGenerator streams. Per generated frame: a text event when the frame carries a token
// (never for PAD), then the frame's audio chunk (always, silence included); one end event last.
// Frame indices count generated frames from 0; Seconds is where the frame's audio starts in the
// generated audio (Frame × 80 ms). A token's audio starts about δ frames after the token
// (SpeechOptions.TextLeadFrames), given as AudioSeconds.
namespace Michi.Runtime.Speech;

public abstract record SpeechEvent(int Frame, double Seconds);

/// <summary>Wall-clock milliseconds of one frame's work: the backbone pass, the text head with
/// sampling, the speak head's Euler steps, the vocoder step, and all of it (Total ≥ the sum).</summary>
public readonly record struct FrameTiming(double BackboneMs, double TextHeadMs, double SpeakHeadMs, double VocoderMs, double TotalMs);

/// <summary>One frame of audio: FrameLength samples (1920 at 24 kHz), the latent they came from,
/// and what computing them cost.</summary>
public sealed record SpeechAudioChunk(int Frame, double Seconds, float[] Samples, float[] Latent, FrameTiming Timing)
    : SpeechEvent(Frame, Seconds);

/// <summary>A token of the model's text stream.</summary>
/// <param name="Text">Its decoded text ("" without a tokenizer, or mid-character).</param>
/// <param name="StartsWord">True when the token begins a new word (leading whitespace, or the first token).</param>
/// <param name="Forced">True when it is the next prompt token, substituted where the model chose "not PAD".</param>
/// <param name="AudioSeconds">Where its audio should start: (Frame + δ) × frame length.</param>
public sealed record SpeechTextToken(int Frame, double Seconds, int TokenId, string Text, bool StartsWord, bool Forced, double AudioSeconds)
    : SpeechEvent(Frame, Seconds);

public enum SpeechStopReason
{
    /// <summary>The model said end of turn.</summary>
    EndOfTurn,

    /// <summary>The continue and finish phases ran out.</summary>
    Completed,

    /// <summary>MaxSeconds or the model's context ran out first.</summary>
    MaxLength,
}

/// <summary>The last event: how many frames were generated and why it ended.</summary>
/// <param name="PromptTokensLeft">Prompt tokens never said (non-zero only when cut by MaxLength).</param>
/// <param name="Seed">The seed this generation used (reproduces it).</param>
public sealed record SpeechEnd(int Frame, double Seconds, SpeechStopReason Reason, int PromptTokensLeft, long Seed)
    : SpeechEvent(Frame, Seconds);
