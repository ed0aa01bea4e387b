// What to say, in any combination of the generation modes (DESIGN.md §3):
//   Text / TextTokens    forced-text causal TTS: the model says exactly these tokens, choosing when;
//   Voice                zero-shot cloning / continuation: reference audio placed in the model's
//                        own stream before anything is generated;
//   Context / ContextTokens  pure-text positions (retrieved documents, instructions) before speech.
// Neither text nor tokens = continue from the voice prompt (or from nothing) for ContinueSeconds.
// Token arrays bypass the tokenizer (benchmarks with random weights have none).
namespace Michi.Runtime.Speech;

public sealed record SpeechRequest
{
    public string? Text { get; init; }
    public int[]? TextTokens { get; init; }
    public string? Context { get; init; }
    public int[]? ContextTokens { get; init; }
    public VoicePrompt? Voice { get; init; }

    public static SpeechRequest Say(string text) => new() { Text = text };
}

/// <summary>Reference audio for the model's own stream.</summary>
/// <param name="Samples">Mono samples at <paramref name="SampleRate"/> (converted to the model's rate).</param>
/// <param name="Transcript">What is said in it; null = read it with the listen text head.</param>
/// <param name="Source">Names the audio in error messages (a file path).</param>
public sealed record VoicePrompt(float[] Samples, int SampleRate, string? Transcript = null, string Source = "voice prompt")
{
    /// <summary>Shortest usable prompt: below this there is too little voice to continue.</summary>
    public const double MinSeconds = 1.0;

    /// <summary>RMS floor: a quieter prompt is treated as silence.</summary>
    public const double SilenceDbfs = -60;
}
