// Harmonic-plus-noise output stage of the vocoder (VocoderConfig.Harmonics > 0), used in place
// of the plain iSTFT head. Every hop, conv_post predicts
//   1 channel   F0: log f0 = log f0_min + sigmoid(8c̄)·log(f0_max / f0_min), c̄ the channel's
//               mean over a frame's hops; one value per 80 ms frame, glided linearly
//   M channels  a log-amplitude spectral envelope on M points spaced evenly over 0 … Nyquist
//   2·bins      log-magnitude and phase of an iSTFT frame (the aperiodic part: noise, bursts,
//               and whatever the harmonics miss); with noise_phase "random" the phases come
//               from a fixed random table instead (filtered noise, as DDSP's noise synthesiser)
// and the output is HarmonicOscillator(f0, envelope sampled at k·f0) + CausalIstft(...).
// Why: the plain iSTFT/HiFi-GAN vocoder trained here for 9k steps (≈ 4 CPU hours) still had no
// pitch harmonics (docs/quality.md): learning periodic phase from a 12.5 Hz latent takes steps
// this CPU does not have. An oscillator makes the harmonics exact by construction, so training
// only has to learn F0 (supervised by YIN, see CodecTrainer) and smooth envelopes — the
// source-filter split that neural source-filter and DDSP vocoders exploit.
// Sampling the envelope at k·f0 (rather than predicting K free amplitudes, as DDSP does) keeps
// the filter independent of pitch, so one envelope serves any F0 the speak head produces.
// The envelope is offset by −4 (e⁻⁴ ≈ 0.02 per harmonic) so a fresh network starts quiet.
// References: Engel et al. 2020 "DDSP" (arXiv:2001.04643); Wang et al. 2019 "Neural
// source-filter waveform models" (arXiv:1904.12088); Kaneko et al. 2022 "iSTFTNet".
// Shapes: post (B, 1 + M + 2·bins, F) → samples (B, F·hop), log f0 (B, F).
using TorchSharp;
using Michi.Model.Streaming;
using static TorchSharp.torch;

namespace Michi.Model.Codec;

public sealed class HarmonicHeadState(HarmonicState oscillator, IstftState istft, Tensor previousLogF0) : IStreamingState
{
    public HarmonicState Oscillator { get; } = oscillator;
    public IstftState Istft { get; } = istft;

    /// <summary>The last frame's log F0 (B), where the next frame's glide starts.</summary>
    internal Tensor PreviousLogF0 { get; } = previousLogF0;
    /// <summary>Control points (hops) emitted so far: indexes the random-phase table; 0 = fresh stream.</summary>
    internal long Hops { get; set; }

    public void Reset()
    {
        Oscillator.Reset();
        Istft.Reset();
        PreviousLogF0.zero_();
        Hops = 0;
    }

    public void Dispose()
    {
        Oscillator.Dispose();
        Istft.Dispose();
        PreviousLogF0.Dispose();
    }
}

public enum HarmonicBranches { Both, Harmonic, Aperiodic }

public sealed class HarmonicHead : nn.Module
{
    private const double EnvelopeOffset = -4.0;

    // Adam moves each weight by about the learning rate per step whatever the loss weight, so
    // the F0 output's sensitivity to its weights sets how fast pitch is learned: at gain 1 a
    // run at lr 2e-4 moved the mean log-F0 error only 0.20 → 0.15 in 500 steps.
    private const double F0Gain = 8.0;
    private readonly HarmonicOscillator _oscillator;
    private readonly CausalIstft _istft;
    private readonly double _logF0Min, _logF0Range;
    private readonly Tensor? _noisePhase;   // (bins, PhaseTableHops) in [−π, π), or null: learned phase

    /// <summary>Hops before the random-phase table repeats (10.24 s at hop 240): inaudible as a period.</summary>
    public const int PhaseTableHops = 1024;

    public HarmonicHead(VocoderConfig config, int sampleRate, long hop, long hopsPerFrame) : base(nameof(HarmonicHead))
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfLessThan(hopsPerFrame, 1);
        HopsPerFrame = hopsPerFrame;
        EnvelopeBins = config.HarmonicEnvelopeBins;
        SampleRate = sampleRate;
        _oscillator = new HarmonicOscillator(config.Harmonics, hop, sampleRate);
        _istft = new CausalIstft(config.IstftNFft, hop);
        _logF0Min = Math.Log(config.F0Min);
        _logF0Range = Math.Log(config.F0Max / config.F0Min);
        if (config.NoisePhase == VocoderConfig.RandomNoisePhase)
        {
            // A fixed table, not a buffer: same values on every load, nothing in the state dict.
            using var generator = new Generator(0x5EED);
            _noisePhase = ((torch.rand([_istft.Bins, PhaseTableHops], generator: generator) * 2 - 1) * Math.PI)
                .DetachFromDisposeScope();
        }
        RegisterComponents();
    }

    public int EnvelopeBins { get; }
    public long HopsPerFrame { get; }

    /// <summary>Which branches reach the output: both (normal), or one alone — a diagnostic
    /// (`codec resynth --branch`) for seeing what each half of the head makes.</summary>
    public HarmonicBranches Branches { get; set; } = HarmonicBranches.Both;
    public int SampleRate { get; }
    public long InputChannels => 1 + EnvelopeBins + _istft.InputChannels;

    public HarmonicHeadState CreateState(long batchSize, ScalarType dtype, Device device) =>
        new(_oscillator.CreateState(batchSize, dtype, device), _istft.CreateState(batchSize, dtype, device),
            torch.zeros([batchSize], dtype: dtype, device: device).DetachFromDisposeScope());

    /// <summary>post (B, 1 + M + 2·bins, F) → (samples (B, F·hop), predicted log f0 (B, F)).
    /// <paramref name="f0Override"/> (B, F) Hz, where positive, replaces the predicted F0 in the
    /// oscillator (teacher forcing with measured pitch in training); the prediction is still returned.</summary>
    public (Tensor Samples, Tensor LogF0) Step(Tensor post, HarmonicHeadState state, Tensor? f0Override = null)
    {
        long[] shape = post.shape;
        if (shape.Length != 3 || shape[1] != InputChannels)
            throw new ArgumentException($"harmonic head input must be (B, {InputChannels}, F); got ({string.Join(", ", shape)})", nameof(post));
        if (shape[2] % HopsPerFrame != 0)
            throw new ArgumentException($"harmonic head input must hold whole frames of {HopsPerFrame} hops; got {shape[2]}", nameof(post));
        using var scope = torch.NewDisposeScope();
        var logF0 = FrameRatePitch(post.select(1, 0), state);                                  // (B, F)
        var f0 = logF0.exp();
        if (f0Override is not null) f0 = torch.where(f0Override.gt(0), f0Override.to(f0.dtype), f0);
        var envelope = post.narrow(1, 1, EnvelopeBins).transpose(1, 2) + EnvelopeOffset;       // (B, F, M)
        var amplitudes = SampleEnvelope(envelope, f0.detach()).exp();                          // (B, F, K)
        var harmonic = _oscillator.Step(f0, amplitudes, state.Oscillator);                     // (B, F·hop)
        var spectrum = post.narrow(1, 1 + EnvelopeBins, _istft.InputChannels);                // (B, 2·bins, F)
        if (_noisePhase is not null) spectrum = WithRandomPhase(spectrum, state);
        state.Hops += shape[2];
        var aperiodic = _istft.Step(spectrum, state.Istft);
        var mixed = Branches switch
        {
            HarmonicBranches.Harmonic => harmonic,
            HarmonicBranches.Aperiodic => aperiodic,
            _ => harmonic + aperiodic,
        };
        return (mixed.MoveToOuterDisposeScope(), logF0.MoveToOuterDisposeScope());
    }

    /// <summary>Replaces the predicted phases by the table's, indexed by absolute hop: filtered
    /// noise (DDSP's noise synthesiser). A predicted phase that is smooth from hop to hop turns
    /// the aperiodic branch into a 100 Hz pulse train, heard as fixed tonal lines across the
    /// spectrum; random phase cannot do that. Indexing by absolute hop keeps streaming == offline.</summary>
    private Tensor WithRandomPhase(Tensor spectrum, HarmonicHeadState state)
    {
        long bins = _istft.Bins, frames = spectrum.shape[2];
        var index = (torch.arange(frames, dtype: ScalarType.Int64) + state.Hops).remainder(PhaseTableHops);  // (F)
        var phase = _noisePhase!.index_select(1, index).to(spectrum.dtype, spectrum.device)                    // (bins, F)
            .unsqueeze(0).expand(spectrum.shape[0], bins, frames);
        return torch.cat([spectrum.narrow(1, 0, bins), phase], 1);                                            // (B, 2·bins, F)
    }

    /// <summary>One log F0 per 80 ms frame (the mean of its hops' F0 channel), glided linearly
    /// from the previous frame's value over the frame's hops → (B, F). Why not one per hop: the
    /// ×8 upsampling gives each hop of a frame its own sub-kernel, and the per-hop F0 it
    /// predicted zig-zagged at the frame period; that frequency modulation smeared every
    /// harmonic above ≈ 1 kHz into noise (docs/quality.md). A pitch contour piecewise linear over
    /// 80 ms keeps intonation (it moves on 100 ms scales) and is smooth by construction.</summary>
    private Tensor FrameRatePitch(Tensor channel, HarmonicHeadState state)
    {
        long batch = channel.shape[0], frames = channel.shape[1] / HopsPerFrame;
        if (frames == 0) return channel * 0;
        var perFrame = channel.view(batch, frames, HopsPerFrame).mean([2]);                    // (B, L)
        var current = (perFrame * F0Gain).sigmoid() * _logF0Range + _logF0Min;                 // (B, L)
        var first = state.Hops > 0 ? state.PreviousLogF0 : current.select(1, 0).detach();
        var previous = torch.cat([first.unsqueeze(1), current.narrow(1, 0, frames - 1)], 1);   // (B, L)
        var w = torch.arange(1, HopsPerFrame + 1, dtype: channel.dtype, device: channel.device) / HopsPerFrame;  // (R)
        var glide = previous.unsqueeze(-1) + (current - previous).unsqueeze(-1) * w;           // (B, L, R)
        using (torch.no_grad()) state.PreviousLogF0.copy_(current.select(1, frames - 1));
        return glide.reshape(batch, frames * HopsPerFrame);
    }

    /// <summary>The envelope (B, F, M) linearly interpolated at each harmonic k·f0 → (B, F, K).</summary>
    private Tensor SampleEnvelope(Tensor envelope, Tensor f0)
    {
        int m = EnvelopeBins;
        var k = torch.arange(1, _oscillator.Harmonics + 1, dtype: f0.dtype, device: f0.device);        // (K)
        var position = (f0.unsqueeze(-1) * k * ((m - 1) / (SampleRate / 2.0))).clamp(0, m - 1);        // (B, F, K)
        var lower = position.floor().clamp_max(m - 2);
        var fraction = position - lower;
        var index = lower.to(ScalarType.Int64);
        var below = envelope.gather(2, index);
        var above = envelope.gather(2, index + 1);
        return below + (above - below) * fraction;
    }
}
