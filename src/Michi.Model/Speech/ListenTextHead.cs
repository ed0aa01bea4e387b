// The listen text head (DESIGN.md §2.3): per frame, the text token of what the user said, from
// the listen encoder's latents, a fixed lag behind the audio (SpeechLmConfig.ListenLagFrames:
// a word's token is the target that many frames after its audio starts, PAD elsewhere). The
// backbone then receives the user's speech as latents and as text.
// Design: a causal convolution whose kernel is the whole window — the current latent and the
// window − 1 before it, flattened and projected (`window_proj`) — then pre-norm residual MLP
// blocks and a LayerNorm + linear output over the extended vocabulary (PAD included). One
// convolution, so its streaming state is just the last window − 1 raw latents
// (ListenHeadState): no per-layer states, and a stream started from zeros equals the offline
// pass, which pads with the same zeros. It is not autoregressive (it does not see the tokens it
// emitted); the window must be longer than the lag to hear a word before naming it.
// Shapes: B batch, T frames, D latent dim, K window, W width, V' extended vocabulary.
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Michi.Model.Speech;

public sealed class ListenTextHead : nn.Module
{
    [ComponentName(Name = "window_proj")] private readonly Linear _windowProj;
    [ComponentName(Name = "blocks")] private readonly ModuleList<ResidualMlp> _blocks;
    [ComponentName(Name = "norm")] private readonly LayerNorm _norm;
    [ComponentName(Name = "out")] private readonly Linear _out;

    public ListenTextHead(int latentDim, int window, int width, int depth, int vocabSize,
        ScalarType dtype = ScalarType.Float32, Device? device = null) : base(nameof(ListenTextHead))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latentDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabSize, 1);
        device ??= torch.CPU;
        LatentDim = latentDim;
        Window = window;
        VocabSize = vocabSize;
        _windowProj = nn.Linear(window * latentDim, width, hasBias: true, device: device, dtype: dtype);
        _blocks = new ModuleList<ResidualMlp>(Enumerable.Range(0, depth).Select(_ => new ResidualMlp(width, dtype, device)).ToArray());
        _norm = nn.LayerNorm(width, device: device, dtype: dtype);
        _out = nn.Linear(width, vocabSize, hasBias: true, device: device, dtype: dtype);
        RegisterComponents();
    }

    public int LatentDim { get; }
    public int Window { get; }
    public int VocabSize { get; }

    public ListenHeadState CreateState(long batchSize = 1) =>
        new(batchSize, Window - 1, LatentDim, _windowProj.weight!.dtype, _windowProj.weight!.device);

    /// <summary>User latents (B, T, D) → (B, T, V') float32 logits. Without a state the stream
    /// starts from zeros (offline); with one, it continues the stream and the state advances.</summary>
    public Tensor Forward(Tensor latents, ListenHeadState? state = null)
    {
        if (latents.dim() != 3 || latents.shape[2] != LatentDim || latents.shape[1] < 1)
            throw new ArgumentException($"latents must be (B, T ≥ 1, {LatentDim}), got ({string.Join(", ", latents.shape)})", nameof(latents));
        if (state is not null && state.BatchSize != latents.shape[0])
            throw new ArgumentException($"state batch {state.BatchSize} differs from input batch {latents.shape[0]}", nameof(state));
        using var scope = torch.NewDisposeScope();
        long b = latents.shape[0], t = latents.shape[1];
        var x = latents.to(_windowProj.weight!.dtype);
        var context = state?.Context ?? torch.zeros([b, Window - 1, LatentDim], dtype: x.dtype, device: x.device);
        var sequence = torch.cat([context, x], 1);                                      // (B, K − 1 + T, D)
        state?.Keep(sequence);
        var windows = sequence.unfold(1, Window, 1)                                     // (B, T, D, K)
            .transpose(2, 3)                                                            // (B, T, K, D): oldest first
            .reshape(b, t, Window * LatentDim);                                         // (B, T, K·D)
        var h = _windowProj.forward(windows);                                           // (B, T, W)
        foreach (var block in _blocks) h = block.forward(h);
        var logits = _out.forward(_norm.forward(h)).to(ScalarType.Float32);             // (B, T, V')
        return scope.MoveToOuter(logits);
    }

    /// <summary>The listen targets for one utterance: <paramref name="onsetTokens"/> holds each word's
    /// tokens from the frame its audio starts (PAD elsewhere); the result is the same stream
    /// <paramref name="lag"/> frames later (tokens pushed past the end are dropped).</summary>
    public static int[] LagTargets(ReadOnlySpan<int> onsetTokens, int lag, int padId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lag);
        var targets = new int[onsetTokens.Length];
        Array.Fill(targets, padId);
        for (int t = lag; t < targets.Length; t++) targets[t] = onsetTokens[t - lag];
        return targets;
    }
}
