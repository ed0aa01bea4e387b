// The losses of joint training (DESIGN.md §4.3), as functions:
//   total = text CE + λ·flow-matching loss (+ μ·listen text CE),
// λ = flow_loss_weight and μ = listen_loss_weight from the config.
// - Text cross-entropy over the extended vocabulary, mean over positions that have a target;
//   IgnoreIndex (−100, as PyTorch) marks positions without one (text-only padding, the user's
//   side of a prompt, …).
// - Flow matching on the speak head, conditioned on h(t), only at frames that have a target
//   latent (the mask): text-only positions and padding contribute nothing.
// - Listen text CE on the listen head's per-frame logits against the user's (lagged) tokens.
// A loss with nothing to average (no target anywhere in the batch) is an exact 0 that still
// belongs to the graph, so a pure-text batch can go through the same call.
// Targets are the caller's: the text target at position t is the model's token of frame t (the
// token fed at t + 1), the latent target is z_m(t) (the latent fed at t + 1).
//
// Shapes: B batch, T positions, V' vocabulary, C hidden, D latent dim.
using Michi.Model.Flow;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Speech;

/// <summary>Training targets aligned with SpeechLmInputs; tensors belong to the caller.</summary>
/// <param name="TextTargets">(B, T) int64: the model's next text token, or IgnoreIndex.</param>
public sealed record SpeechLmTargets(Tensor TextTargets)
{
    /// <summary>(B, T, D): the latent the speak head should produce at each position.</summary>
    public Tensor? Latents { get; init; }

    /// <summary>(B, T) bool: where <see cref="Latents"/> count; null = everywhere.</summary>
    public Tensor? LatentMask { get; init; }

    /// <summary>(B, T) int64: the user's text token per frame for the listen head, or IgnoreIndex.</summary>
    public Tensor? UserTextTargets { get; init; }
}

/// <summary>The total and its parts (scalar tensors); Flow and Listen are null when not computed.</summary>
public sealed record SpeechLmLossParts(Tensor Total, Tensor Text, Tensor? Flow, Tensor? Listen) : IDisposable
{
    public void Dispose()
    {
        Total.Dispose();
        Text.Dispose();
        Flow?.Dispose();
        Listen?.Dispose();
    }
}

public static class SpeechLmLoss
{
    public const long IgnoreIndex = -100;

    /// <summary>Mean cross-entropy of logits (B, T, V') against targets (B, T), skipping IgnoreIndex.</summary>
    public static Tensor TextCrossEntropy(Tensor logits, Tensor targets)
    {
        if (logits.dim() != 3 || targets.dim() != 2 || logits.shape[0] != targets.shape[0] || logits.shape[1] != targets.shape[1])
            throw new ArgumentException($"logits (B, T, V) and targets (B, T) disagree: ({string.Join(", ", logits.shape)}) vs ({string.Join(", ", targets.shape)})");
        using var scope = torch.NewDisposeScope();
        var flatLogits = logits.reshape(-1, logits.shape[2]).to(ScalarType.Float32);     // (B·T, V')
        var flatTargets = targets.reshape(-1);                                            // (B·T)
        if (flatTargets.ne(IgnoreIndex).sum().item<long>() == 0) return scope.MoveToOuter(flatLogits.sum() * 0.0);
        return scope.MoveToOuter(nn.functional.cross_entropy(flatLogits, flatTargets, ignore_index: IgnoreIndex));
    }

    /// <summary>Flow-matching loss of the speak head conditioned on h (B, T, C) toward target latents
    /// (B, T, D) at the frames where <paramref name="mask"/> (B, T) is true (all when null).</summary>
    public static Tensor FlowMatching(SpeakHead head, Tensor hidden, Tensor targets, Tensor? mask = null,
        Generator? rng = null, int samplesPerFrame = 1)
    {
        if (hidden.dim() != 3 || targets.dim() != 3 || hidden.shape[0] != targets.shape[0] || hidden.shape[1] != targets.shape[1])
            throw new ArgumentException($"hidden (B, T, C) and target latents (B, T, D) disagree: ({string.Join(", ", hidden.shape)}) vs ({string.Join(", ", targets.shape)})");
        using var scope = torch.NewDisposeScope();
        var h = hidden.reshape(-1, hidden.shape[2]);                                      // (B·T, C)
        var x1 = targets.reshape(-1, targets.shape[2]);                                   // (B·T, D)
        if (mask is not null)
        {
            var rows = mask.reshape(-1).nonzero().squeeze(1);                             // (N)
            if (rows.shape[0] == 0) return scope.MoveToOuter(hidden.sum().to(ScalarType.Float32) * 0.0);
            h = h.index_select(0, rows.to(h.device));                                     // (N, C)
            x1 = x1.index_select(0, rows.to(x1.device));                                  // (N, D)
        }
        return scope.MoveToOuter(FlowMatchingLoss.Compute(head, x1, h, rng, samplesPerFrame));
    }

    /// <summary>Listen head cross-entropy: logits (B, T, V') against the user's tokens (B, T).</summary>
    public static Tensor ListenText(Tensor listenLogits, Tensor userTargets) => TextCrossEntropy(listenLogits, userTargets);

    /// <summary>text + λ·flow + μ·listen (absent parts count as 0).</summary>
    public static Tensor Combine(Tensor text, Tensor? flow, Tensor? listen, double flowWeight, double listenWeight)
    {
        using var scope = torch.NewDisposeScope();
        var total = text.alias();
        if (flow is not null) total = total + flow * flowWeight;
        if (listen is not null) total = total + listen * listenWeight;
        return scope.MoveToOuter(total);
    }

    /// <summary>One teacher-forced pass and every loss the targets ask for, weighted by the config.</summary>
    public static SpeechLmLossParts Joint(SpeechLm model, SpeechLmInputs inputs, SpeechLmTargets targets, Generator? rng = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(targets);
        using var scope = torch.NewDisposeScope();
        var output = model.Forward(inputs);
        var text = TextCrossEntropy(output.TextLogits, targets.TextTargets);
        Tensor? flow = targets.Latents is null ? null
            : FlowMatching(model.Heads.SpeakHead, output.Hidden, targets.Latents, targets.LatentMask, rng, model.Config.FlowSamplesPerFrame);
        Tensor? listen = null;
        if (targets.UserTextTargets is { } userTargets)
        {
            var userLatents = inputs.UserLatents ?? throw new ArgumentException("listen targets need the inputs' user latents");
            listen = ListenText(model.ListenLogits(userLatents), userTargets);
        }
        var total = Combine(text, flow, listen, model.Config.FlowLossWeight, model.Config.ListenLossWeight);
        return new SpeechLmLossParts(scope.MoveToOuter(total), scope.MoveToOuter(text),
            flow is null ? null : scope.MoveToOuter(flow), listen is null ? null : scope.MoveToOuter(listen));
    }
}
