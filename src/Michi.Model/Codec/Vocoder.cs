// The vocoder: a causal HiFi-GAN generator, latents (one per 80 ms frame) → 24 kHz waveform,
// streaming one frame (or any number of frames) per step with no look-ahead: the samples of
// frame n depend on latents 0 … n only.
//   conv_pre (D → C₀) → stages (act, causal upsample ×r, multi-receptive-field blocks)
//   → act_post → conv_post → head
// The head is HiFi-GAN's tanh over one channel (upsample_rates multiply to the frame length),
// the harmonic-plus-noise HarmonicHead (harmonics > 0: an F0-driven oscillator plus an iSTFT),
// or, when istft_n_fft > 0, a causal iSTFT (iSTFTNet / Vocos): conv_post predicts
// log-magnitude and phase of n_fft-sample frames every hop = frame_length / Π rates samples,
// so the most expensive full-rate layers of HiFi-GAN never run (the CPU-friendly choice; see
// CodecConfig.Small). The iSTFT output is not clipped (training sees the raw signal); clip
// when writing 16-bit audio.
// References: Kong et al. 2020 "HiFi-GAN" (arXiv:2010.05646) models.py Generator; Kaneko et
// al. 2022 "iSTFTNet" (arXiv:2203.02395).
// Shapes: latents (B, L, D) → samples (B, L·frame_length).
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using Michi.Model.Nn;
using Michi.Model.Streaming;
using static TorchSharp.torch;

namespace Michi.Model.Codec;

public sealed class VocoderState(ConvState pre, IReadOnlyList<VocoderStageState> stages, ConvState post, IstftState? istft,
    HarmonicHeadState? harmonic = null) : IStreamingState
{
    public HarmonicHeadState? Harmonic { get; } = harmonic;
    public ConvState Pre { get; } = pre;
    public IReadOnlyList<VocoderStageState> Stages { get; } = stages;
    public ConvState Post { get; } = post;
    public IstftState? Istft { get; } = istft;

    public void Reset()
    {
        Pre.Reset();
        foreach (var s in Stages) s.Reset();
        Post.Reset();
        Istft?.Reset();
        Harmonic?.Reset();
    }

    public void Dispose()
    {
        Pre.Dispose();
        foreach (var s in Stages) s.Dispose();
        Post.Dispose();
        Istft?.Dispose();
        Harmonic?.Dispose();
    }
}

public sealed class Vocoder : nn.Module<Tensor, Tensor>, IStreamingModule<VocoderState>
{
    [ComponentName(Name = "conv_pre")] private readonly CausalConv1d _convPre;
    [ComponentName(Name = "stages")] private readonly ModuleList<VocoderStage> _stages;
    [ComponentName(Name = "act_post")] private readonly nn.Module<Tensor, Tensor> _actPost;
    [ComponentName(Name = "conv_post")] private readonly CausalConv1d _convPost;
    [ComponentName(Name = "istft")] private readonly CausalIstft? _istft;
    [ComponentName(Name = "harmonic")] private readonly HarmonicHead? _harmonic;

    public Vocoder(CodecConfig config) : base(nameof(Vocoder))
    {
        ArgumentNullException.ThrowIfNull(config);
        string? problem = config.Validate();
        if (problem is not null) throw new ArgumentException($"invalid codec config: {problem}", nameof(config));
        var v = config.Vocoder;
        var channels = v.ChannelsPerLevel;
        LatentDim = config.LatentDim;
        FrameLength = config.FrameLength;
        Hop = config.FrameLength / v.TotalUpsampling;
        _convPre = new CausalConv1d(config.LatentDim, channels[0], v.PreKernelSize);
        _stages = new ModuleList<VocoderStage>(v.UpsampleRates
            .Select((r, i) => new VocoderStage(channels[i], channels[i + 1], r, v.UpsampleKernelSizes[i], v)).ToArray());
        _actPost = Activation.Create(v.Activation, channels[^1]);
        if (v.UsesHarmonics)
        {
            _harmonic = new HarmonicHead(v, config.SampleRate, Hop, v.TotalUpsampling);
            _convPost = new CausalConv1d(channels[^1], _harmonic.InputChannels, v.PostKernelSize);
        }
        else if (v.UsesIstft)
        {
            _istft = new CausalIstft(v.IstftNFft, Hop);
            _convPost = new CausalConv1d(channels[^1], _istft.InputChannels, v.PostKernelSize);
        }
        else
        {
            _convPost = new CausalConv1d(channels[^1], 1, v.PostKernelSize);
        }
        RegisterComponents();
    }

    public int LatentDim { get; }
    public int FrameLength { get; }

    public VocoderState CreateState(long batchSize)
    {
        var w = _convPre.RawWeight;
        return new(_convPre.CreateState(batchSize), _stages.Select(s => s.CreateState(batchSize)).ToArray(),
            _convPost.CreateState(batchSize), _istft?.CreateState(batchSize, w.dtype, w.device),
            _harmonic?.CreateState(batchSize, w.dtype, w.device));
    }

    /// <summary>latents (B, L, D) → samples (B, L·frame_length), from a fresh state.</summary>
    public override Tensor forward(Tensor latents)
    {
        using var state = CreateState(latents.shape[0]);
        return Step(latents, state);
    }

    /// <summary>latents (B, L, D) → the next L·frame_length samples (B, L·frame_length).</summary>
    public Tensor Step(Tensor latents, VocoderState state)
    {
        var (samples, logF0) = StepWithPitch(latents, state);
        logF0?.Dispose();
        return samples;
    }

    /// <summary>The harmonic head, or null for the iSTFT / waveform heads.</summary>
    public HarmonicHead? Harmonic => _harmonic;

    /// <summary>Whether this vocoder predicts F0 (the harmonic head): StepWithPitch then returns it.</summary>
    public bool PredictsPitch => _harmonic is not null;

    /// <summary>Hop of the head's control points in samples (frame_length / Π upsample_rates).</summary>
    public long Hop { get; }

    /// <summary>As Step, also returning the harmonic head's predicted log F0 (B, L·frame_length / hop),
    /// or null without one. <paramref name="f0Override"/> (B, L·frame_length / hop) Hz, where
    /// positive, drives the oscillator instead of the prediction (training's teacher forcing).</summary>
    public (Tensor Samples, Tensor? LogF0) StepWithPitch(Tensor latents, VocoderState state, Tensor? f0Override = null)
    {
        long[] shape = latents.shape;
        if (shape.Length != 3 || shape[2] != LatentDim)
            throw new ArgumentException(
                $"vocoder input must be latents (B, frames, {LatentDim}); got ({string.Join(", ", shape)})", nameof(latents));
        using var scope = torch.NewDisposeScope();
        var h = _convPre.Step(latents.transpose(1, 2), state.Pre);        // (B, C₀, L)
        for (int i = 0; i < _stages.Count; i++)
            h = _stages[i].Step(h, state.Stages[i]);                       // (B, C_i, L·Π r)
        var post = _convPost.Step(_actPost.call(h), state.Post);          // (B, 1 or 2·bins, L·Π r)
        if (_harmonic is not null)
        {
            var (mixed, logF0) = _harmonic.Step(post, state.Harmonic!, f0Override);  // (B, L·frame_length), (B, L·Π r)
            return (mixed.MoveToOuterDisposeScope(), logF0.MoveToOuterDisposeScope());
        }
        var samples = _istft is null
            ? post.squeeze(1).tanh()                                       // (B, L·frame_length)
            : _istft.Step(post, state.Istft!);                             // (B, L·frame_length)
        return (samples.MoveToOuterDisposeScope(), null);
    }
}
