// What the speech model reads at each backbone position (DESIGN.md §3), batched: the model's
// text token, the user's text token, the model's previous latent and the user's latent. A
// speech frame sums all four; a text-only position (prompt, context) carries only the model
// text token. Tensors belong to the caller.
//   ModelTokens  (B, T) int64, ids in [0, vocab_size): always present.
//   UserTokens   (B, T) int64, ids or NoToken (−1) where the user stream has no token (text-only
//                positions); null = no user tokens anywhere.
//   ModelLatents (B, T, D) the model's own latent of the previous frame (zeros before its first).
//   UserLatents  (B, T, D) the user's latent of this frame (from the listen encoder).
//   SpeechMask   (B, T) bool, true at speech frames (latents added); null = every position is a
//                speech frame when latents are given. Both latents are given, or neither.
// Shapes: B batch, T positions, D latent dim.
using static TorchSharp.torch;

namespace Michi.Model.Speech;

public sealed record SpeechLmInputs(Tensor ModelTokens)
{
    /// <summary>The user-token value for "no token at this position".</summary>
    public const long NoToken = -1;

    public Tensor? UserTokens { get; init; }
    public Tensor? ModelLatents { get; init; }
    public Tensor? UserLatents { get; init; }
    public Tensor? SpeechMask { get; init; }

    /// <summary>A pure-text batch: exactly what the backbone alone would read.</summary>
    public static SpeechLmInputs Text(Tensor ids) => new(ids);
}

/// <summary>Teacher-forced outputs: text logits (B, T, vocab_size) float32 and the backbone's
/// final hidden states h (B, T, C), which condition the speak head. The caller disposes both.</summary>
public sealed record SpeechLmOutput(Tensor TextLogits, Tensor Hidden) : IDisposable
{
    public void Dispose()
    {
        TextLogits.Dispose();
        Hidden.Dispose();
    }
}

/// <summary>One step's outputs for B sessions: text logits (B, vocab_size) float32 and h (B, C)
/// at the last position fed. The caller disposes both.</summary>
public sealed record SpeechLmStep(Tensor TextLogits, Tensor Hidden) : IDisposable
{
    public void Dispose()
    {
        TextLogits.Dispose();
        Hidden.Dispose();
    }
}
