// Causal, streaming additive synthesis: a bank of K harmonics of a time-varying F0, the
// harmonic half of a harmonic-plus-noise vocoder output stage (HarmonicHead). Control points
// come every `hop` samples; point j sits at the END of hop segment j, so segment j glides
// linearly from point j − 1 to point j and needs nothing after point j (no look-ahead). The
// previous point and the running phase are the state.
//   f(i)  = f₀ + (f₁ − f₀)·i/H                      i = 1..H within a segment
//   φ(i)  = Φ + [i·f₀ + (f₁ − f₀)·i(i+1)/(2H)] / sr  phase in cycles (closed-form running sum)
//   y(i)  = Σ_k a_k(i)·sin(2π·frac(k·φ(i))),  a_k(i) linear from the previous point's a_k too.
// Why closed form: a float32 cumsum over seconds of samples drifts by 1e-4 rad and more at
// the high harmonics, and differs between one offline call and many streaming calls. Here
// the segment-start phase Φ is summed in float64 and each k·Φ wrapped to [0, 1) before the
// float32 work, so offline == streaming to float32 rounding. Amplitudes above Nyquist are zeroed at
// the control points. The phase path carries no gradient (F0 is learned by supervision, as
// spectral-loss gradients through oscillator phase are notoriously poor — Engel et al.).
// The first point of a fresh stream starts at its own F0 with zero amplitude (a fade-in).
// References: Engel et al. 2020 "DDSP: Differentiable Digital Signal Processing" (ICLR,
// arXiv:2001.04643) harmonic synthesizer; Wang et al. 2019 "Neural source-filter" for F0-
// driven excitation.
// Shapes: f0 (B, F) Hz, amplitudes (B, F, K) → samples (B, F·hop).
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Streaming;

/// <summary>The previous control point (F0, amplitudes) and the phase at the next segment's start.</summary>
public sealed class HarmonicState : IStreamingState
{
    internal HarmonicState(long batchSize, long harmonics, ScalarType dtype, Device device)
    {
        BatchSize = batchSize;
        PreviousF0 = torch.zeros([batchSize], dtype: dtype, device: device).DetachFromDisposeScope();
        PreviousAmplitudes = torch.zeros([batchSize, harmonics], dtype: dtype, device: device).DetachFromDisposeScope();
        Phase = torch.zeros([batchSize], dtype: ScalarType.Float64, device: device).DetachFromDisposeScope();
    }

    public long BatchSize { get; }
    internal Tensor PreviousF0 { get; }             // (B)
    internal Tensor PreviousAmplitudes { get; }     // (B, K)
    internal Tensor Phase { get; }                  // (B) float64 cycles in [0, 1)
    internal bool Started { get; set; }

    public void Reset()
    {
        PreviousF0.zero_();
        PreviousAmplitudes.zero_();
        Phase.zero_();
        Started = false;
    }

    public void Dispose()
    {
        PreviousF0.Dispose();
        PreviousAmplitudes.Dispose();
        Phase.Dispose();
    }
}

public sealed class HarmonicOscillator : nn.Module
{
    public HarmonicOscillator(int harmonics, long hop, int sampleRate) : base(nameof(HarmonicOscillator))
    {
        if (harmonics < 1) throw new ArgumentException($"harmonics must be ≥ 1 (got {harmonics})");
        if (hop < 1) throw new ArgumentException($"hop must be ≥ 1 (got {hop})");
        if (sampleRate < 1) throw new ArgumentException($"sample rate must be ≥ 1 (got {sampleRate})");
        Harmonics = harmonics;
        Hop = hop;
        SampleRate = sampleRate;
        RegisterComponents();
    }

    public int Harmonics { get; }
    public long Hop { get; }
    public int SampleRate { get; }

    public HarmonicState CreateState(long batchSize, ScalarType dtype, Device device)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return new HarmonicState(batchSize, Harmonics, dtype, device);
    }

    /// <summary>f0 (B, F) Hz and amplitudes (B, F, K) at the control points → (B, F·hop).</summary>
    public Tensor Step(Tensor f0, Tensor amplitudes, HarmonicState state)
    {
        long batch = f0.shape[0], frames = f0.shape[1];
        if (f0.dim() != 2 || batch != state.BatchSize || amplitudes.dim() != 3
            || amplitudes.shape[0] != batch || amplitudes.shape[1] != frames || amplitudes.shape[2] != Harmonics)
            throw new ArgumentException(
                $"oscillator input must be f0 (B={state.BatchSize}, F) and amplitudes (B, F, {Harmonics}); got " +
                $"({string.Join(", ", f0.shape)}) and ({string.Join(", ", amplitudes.shape)})");
        if (frames == 0) return torch.empty([batch, 0], dtype: amplitudes.dtype, device: amplitudes.device);

        using var scope = torch.NewDisposeScope();
        var f1 = f0.detach();                                                       // (B, F)
        var nyquist = SampleRate / 2.0;
        var harmonicNumbers = torch.arange(1, Harmonics + 1, dtype: f1.dtype, device: f1.device);  // (K)
        var audible = (f1.unsqueeze(-1) * harmonicNumbers).lt(nyquist);             // (B, F, K)
        var a1 = amplitudes * audible;                                              // (B, F, K)

        Tensor firstF0 = state.Started ? state.PreviousF0 : f1.select(1, 0);
        var fPrev = torch.cat([firstF0.unsqueeze(1), f1.narrow(1, 0, frames - 1)], 1);              // (B, F)
        var aPrev = torch.cat([state.PreviousAmplitudes.unsqueeze(1), a1.narrow(1, 0, frames - 1)], 1); // (B, F, K)

        // Phase (cycles) at each segment's start: float64 running sum, wrapped.
        double h = Hop;
        var segmentCycles = (fPrev.to(ScalarType.Float64) * h
                             + (f1 - fPrev).to(ScalarType.Float64) * ((h + 1) / 2)) / SampleRate;  // (B, F)
        var ends = state.Phase.unsqueeze(1) + segmentCycles.cumsum(1);                             // (B, F)
        var starts = torch.cat([state.Phase.unsqueeze(1), ends.narrow(1, 0, frames - 1)], 1);    // (B, F)
        // Each harmonic's start phase k·Φ wrapped in float64 too: float32 rounding of Φ times k
        // would otherwise differ between chunkings by up to k ulps.
        var kStarts = starts.unsqueeze(-1) * harmonicNumbers.to(ScalarType.Float64);             // (B, F, K)
        var kStart = (kStarts - kStarts.floor()).to(f1.dtype);                                     // (B, F, K) in [0, 1)

        var i = torch.arange(1, Hop + 1, dtype: f1.dtype, device: f1.device);                      // (H)
        var local = (fPrev.unsqueeze(-1) * i
                     + (f1 - fPrev).unsqueeze(-1) * (i * (i + 1) / (2 * h))) / SampleRate;        // (B, F, H)
        var kPhase = (local.unsqueeze(-1) * harmonicNumbers).add_(kStart.unsqueeze(2));           // (B, F, H, K)
        var sines = kPhase.sub_(kPhase.floor()).mul_(2 * Math.PI).sin_();                          // (B, F, H, K)

        // Σ_k a_k(i)·s_k(i) with a_k(i) = (1 − w)·a_prev + w·a_cur: two matmuls, no (B,F,H,K) amplitude tensor.
        var w = (i / h).view(1, 1, Hop);                                                           // (1, 1, H)
        var fromPrev = sines.matmul(aPrev.unsqueeze(-1)).squeeze(-1);                              // (B, F, H)
        var fromCur = sines.matmul(a1.unsqueeze(-1)).squeeze(-1);                                  // (B, F, H)
        var samples = (fromPrev * (1 - w) + fromCur * w).reshape(batch, frames * Hop);             // (B, F·H)

        using (torch.no_grad())
        {
            state.PreviousF0.copy_(f1.select(1, frames - 1));
            state.PreviousAmplitudes.copy_(a1.select(1, frames - 1));
            var last = ends.select(1, frames - 1);
            state.Phase.copy_(last - last.floor());
        }
        state.Started = true;
        return samples.MoveToOuterDisposeScope();
    }
}
