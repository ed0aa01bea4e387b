// The listen encoder: a causal SEANet-style convolutional encoder, 24 kHz waveform → one
// latent per frame (frame_length = Π strides samples, 1920 by default), with no look-ahead:
// latent n depends on samples [0, (n+1)·frame_length) only, so feeding one frame of audio per
// step yields that frame's latent in the same step.
//   conv_in (1 → C₀, k) → for each stride s: [res (residual units, dilations 1, 3, 9 …),
//   act, down (C_i → C_{i+1}, kernel 2s, stride s)] → act_out → conv_out (→ 2·latent_dim)
// conv_out predicts the VAE posterior (mean, log-variance; see LatentPosterior). Step returns
// the mean, the deterministic latent used at inference; StepPosterior returns both for
// training.
// References: Tagliasacchi et al. 2020 "SEANet" (arXiv:2009.02095); Défossez et al. 2022
// "EnCodec" (arXiv:2210.13438) SEANetEncoder; Kyutai "Mimi" (moshi, arXiv:2410.00037).
// Shapes: samples (B, N) → latents (B, n, D), frame-major like every consumer of latents.
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using Michi.Model.Nn;
using Michi.Model.Streaming;
using static TorchSharp.torch;

namespace Michi.Model.Codec;

public sealed class ListenEncoderState(ConvState input, IReadOnlyList<EncoderBlockState> blocks, ConvState output) : IStreamingState
{
    public ConvState Input { get; } = input;
    public IReadOnlyList<EncoderBlockState> Blocks { get; } = blocks;
    public ConvState Output { get; } = output;

    public void Reset()
    {
        Input.Reset();
        foreach (var b in Blocks) b.Reset();
        Output.Reset();
    }

    public void Dispose()
    {
        Input.Dispose();
        foreach (var b in Blocks) b.Dispose();
        Output.Dispose();
    }
}

public sealed class ListenEncoder : nn.Module<Tensor, Tensor>, IStreamingModule<ListenEncoderState>
{
    [ComponentName(Name = "conv_in")] private readonly CausalConv1d _convIn;
    [ComponentName(Name = "blocks")] private readonly ModuleList<EncoderBlock> _blocks;
    [ComponentName(Name = "act_out")] private readonly nn.Module<Tensor, Tensor> _actOut;
    [ComponentName(Name = "conv_out")] private readonly CausalConv1d _convOut;

    public ListenEncoder(CodecConfig config) : base(nameof(ListenEncoder))
    {
        ArgumentNullException.ThrowIfNull(config);
        string? problem = config.Validate();
        if (problem is not null) throw new ArgumentException($"invalid codec config: {problem}", nameof(config));
        var e = config.Encoder;
        var channels = e.ChannelsPerLevel;
        LatentDim = config.LatentDim;
        FrameLength = config.FrameLength;
        _convIn = new CausalConv1d(1, channels[0], e.KernelSize);
        _blocks = new ModuleList<EncoderBlock>(
            e.Strides.Select((s, i) => new EncoderBlock(channels[i], channels[i + 1], s, e)).ToArray());
        _actOut = Activation.Create(e.Activation, channels[^1]);
        _convOut = new CausalConv1d(channels[^1], 2L * config.LatentDim, e.LastKernelSize);
        RegisterComponents();
    }

    public int LatentDim { get; }
    public int FrameLength { get; }

    public ListenEncoderState CreateState(long batchSize) => new(
        _convIn.CreateState(batchSize), _blocks.Select(b => b.CreateState(batchSize)).ToArray(), _convOut.CreateState(batchSize));

    /// <summary>samples (B, N) → posterior means (B, ⌊N / frame_length⌋, D), from a fresh state.</summary>
    public override Tensor forward(Tensor samples)
    {
        using var state = CreateState(samples.shape[0]);
        return Step(samples, state);
    }

    /// <summary>samples (B, N) → the latents (posterior means) of every frame this step completes (B, n, D).</summary>
    public Tensor Step(Tensor samples, ListenEncoderState state)
    {
        var (mean, logVar) = StepPosterior(samples, state);
        logVar.Dispose();
        return mean;
    }

    /// <summary>Posterior of the frames this step completes: mean and clamped log-variance, each (B, n, D).</summary>
    public (Tensor Mean, Tensor LogVar) StepPosterior(Tensor samples, ListenEncoderState state)
    {
        if (samples.dim() != 2)
            throw new ArgumentException($"encoder input must be (B, samples); got ({string.Join(", ", samples.shape)})", nameof(samples));
        using var scope = torch.NewDisposeScope();
        var h = _convIn.Step(samples.unsqueeze(1), state.Input);           // (B, C₀, N)
        for (int i = 0; i < _blocks.Count; i++)
            h = _blocks[i].Step(h, state.Blocks[i]);                        // (B, C_i, N / Π s)
        var moments = _convOut.Step(_actOut.call(h), state.Output)          // (B, 2D, n)
            .transpose(1, 2);                                               // (B, n, 2D)
        var mean = moments.narrow(2, 0, LatentDim);
        var logVar = moments.narrow(2, LatentDim, LatentDim).clamp(LatentPosterior.LogVarMin, LatentPosterior.LogVarMax);
        return (mean.MoveToOuterDisposeScope(), logVar.MoveToOuterDisposeScope());
    }

    /// <summary>Offline posterior from a fresh state (training).</summary>
    public (Tensor Mean, Tensor LogVar) Posterior(Tensor samples)
    {
        using var state = CreateState(samples.shape[0]);
        return StepPosterior(samples, state);
    }
}
