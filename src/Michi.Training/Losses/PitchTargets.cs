// F0 targets for codec training (the harmonic-plus-noise vocoder's F0 head): batched YIN in
// TorchSharp, every frame of every crop at once, so a batch (8 × 1 s at 24 kHz) costs
// milliseconds on one thread; no per-frame or per-lag managed loops. Same steps and choices as
// the managed reference Michi.Data.Evaluation.PitchTracker (which scores evaluations), here on
// frames centred at the END of each hop segment, (j + 1)·hop, zeros outside the signal:
//   1. difference      d(τ) = Σ_{j<W} (x[j] − x[j+τ])² = e0 + eτ − 2 r(τ), τ = 0..τmax+1, with
//                      r(τ) = Σ_{j<W} x[j] x[j+τ] by FFT cross-correlation of the first W samples
//                      with the whole frame (W + τmax + 1 samples) and eτ from a cumsum of x²;
//   2. normalisation   d'(τ) = d(τ) · τ / Σ_{k=1..τ} d(k),  d'(0) = 1;
//   3. absolute threshold: the first τ ≥ τmin with d'(τ) < Threshold, followed down to its local
//      minimum (fewer octave errors); no dip below it: the global minimum over [τmin, τmax];
//   4. parabolic interpolation of d' around that τ for a sub-sample period.
// A point is voiced when its dip is below VoicingThreshold and the RMS of the W samples centred
// on it is above SilenceDbfs (an absolute floor: training crops have no file-wide level to
// compare with, unlike PitchTracker's 95th-percentile active range).
// Reference: A. de Cheveigné, H. Kawahara, "YIN, a fundamental frequency estimator for speech
// and music", JASA 111(4), 2002 (steps 1–5; step 6 is left out).
// Legend: B batch, N samples, P padded samples, F = N / hop points, S = W + τmax + 1 frame span,
// L = τmax + 2 lags, K = τmax − τmin + 1 candidate lags, n FFT size.
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Training.Losses;

public sealed record PitchTargetOptions
{
    public double MinHz { get; init; } = 50;
    public double MaxHz { get; init; } = 550;

    /// <summary>Integration window W in samples (720 = 30 ms at 24 kHz).</summary>
    public int WindowSamples { get; init; } = 720;

    /// <summary>YIN's absolute threshold on d' (0.1–0.15 in the paper).</summary>
    public double Threshold { get; init; } = 0.1;

    /// <summary>A point whose best d' is at or above this is unvoiced (noise, fricatives).</summary>
    public double VoicingThreshold { get; init; } = 0.25;

    /// <summary>A point whose W-window RMS is at or below this level (dBFS) is unvoiced.</summary>
    public double SilenceDbfs { get; init; } = -50;

    public static PitchTargetOptions Default { get; } = new();
}

public static class PitchTargets
{
    /// <summary>x (B, N) float32 waveform at sampleRate; returns (f0Hz (B, F), voiced (B, F) bool) with
    /// F = N / hop, where point j is the pitch centred at sample (j + 1)·hop (the END of hop segment j;
    /// zeros beyond the signal's end). F0 is 0 where unvoiced. No gradient; tensors on x's device.</summary>
    public static (Tensor F0, Tensor Voiced) Estimate(Tensor x, int sampleRate, int hop, PitchTargetOptions? options = null)
    {
        var o = options ?? PitchTargetOptions.Default;
        if (x.dim() != 2) throw new ArgumentException($"x must be (B, N); got ({string.Join(", ", x.shape)})");
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hop, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(o.WindowSamples, 1);
        if (!(o.MinHz > 0 && o.MaxHz > o.MinHz && o.MaxHz < sampleRate / 2.0))
            throw new ArgumentException($"pitch range must satisfy 0 < MinHz < MaxHz < rate / 2 (got {o.MinHz}..{o.MaxHz} Hz at {sampleRate} Hz)");

        long batch = x.shape[0], frames = x.shape[1] / hop;
        int w = o.WindowSamples;
        int tauMin = Math.Max(2, (int)Math.Floor(sampleRate / o.MaxHz));   // ≥ 2: the parabola reads τ − 1 ≥ 1
        int tauMax = (int)Math.Ceiling(sampleRate / o.MinHz);
        int span = w + tauMax + 1, lags = tauMax + 2, k = tauMax - tauMin + 1;
        if (frames == 0 || batch == 0)
            return (torch.zeros([batch, 0], ScalarType.Float32, x.device), torch.zeros([batch, 0], ScalarType.Bool, x.device));

        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var device = x.device;

        // Frame j spans [c − S/2, c − S/2 + S) around c = (j + 1)·hop: pad S/2 zeros on the left so it
        // starts at padded index (j + 1)·hop, and enough on the right for the last frame.
        long left = span / 2, right = Math.Max(0, frames * hop + span - left - x.shape[1]);
        var padded = torch.nn.functional.pad(x.to_type(ScalarType.Float32), [left, right]);   // (B, P)
        var frame = padded.narrow(1, hop, (frames - 1) * hop + span).unfold(1, span, hop);     // (B, F, S)

        // r(τ) = Σ_{j<W} x[j] x[j+τ]: the circular correlation of the W-prefix with the frame equals the
        // linear one for τ ≤ τmax + 1 once n ≥ S (j + τ ≤ S − 1 < n never wraps). n is a power of two
        // times 1, 3 or 5: 1280 rather than 2048 for S = 1201 is ≈ 35 % less FFT time, while sizes with
        // more odd factors are slow (1215 = 3⁵·5 took 3× as long as 1280 here).
        long n = FftSize(span);
        var spectrum = torch.fft.rfft(frame, n, dim: 2);                                       // (B, F, n/2+1)
        using (var prefix = torch.fft.rfft(frame.narrow(2, 0, w), n, dim: 2))                 // (B, F, n/2+1)
            spectrum.mul_(prefix.conj());                                                      // in place
        var correlation = torch.fft.irfft(spectrum, n, dim: 2);                                // (B, F, n)
        spectrum.Dispose();
        var r = correlation.narrow(2, 0, lags);                                                // (B, F, L)

        // eτ = Σ_{j<W} x[j+τ]²: W-sums of x² at every start, from one float64 cumsum over the whole padded
        // signal (frames overlap S / hop times; float64 because it is a difference of two running sums).
        var cumulative = torch.nn.functional.pad(padded.to_type(ScalarType.Float64).square(), [1, 0]).cumsum(1); // (B, P+1)
        long starts = cumulative.shape[1] - w;
        var sums = (cumulative.narrow(1, w, starts) - cumulative.narrow(1, 0, starts)).to_type(ScalarType.Float32); // (B, P+1−W)
        var windowEnergy = sums.narrow(1, hop, (frames - 1) * hop + lags).unfold(1, lags, hop); // (B, F, L)
        var d = r.mul(-2).add_(windowEnergy).add_(windowEnergy.narrow(2, 0, 1)).clamp_min_(0); // (B, F, L) e0 + eτ − 2r
        correlation.Dispose();                                                                 // free the largest buffer early

        // d'(τ) = d(τ)·τ / Σ_{k=1..τ} d(k) for τ = 1..τmax+1, stored at index τ − 1. A zero running sum
        // means d(1..τ) = 0 (a constant window): 0/0, set to 1 like d'(0).
        var tail = d.narrow(2, 1, lags - 1);                                                    // (B, F, L−1)
        var tau = torch.arange(1, lags, dtype: ScalarType.Float32, device: device);           // (L−1)
        var dn = tail.mul(tau).div_(tail.cumsum(2)).nan_to_num_(1);                             // (B, F, L−1) d'(τ)

        // Step 3 without loops. The first dip below the threshold followed down to its local minimum
        // is the first τ that is both below the threshold and not above d'(τ+1): nothing before the
        // dip is below, and d' falls strictly from the dip's first τ to its bottom.
        var candidates = dn.narrow(2, tauMin - 1, k);                                           // (B, F, K) d'(τ), τ = τmin..τmax
        var bottom = dn.narrow(2, tauMin, k) >= candidates;                                     // (B, F, K) d'(τ+1) ≥ d'(τ)
        bottom.narrow(2, k - 1, 1).fill_(true);                                                 // τmax ends the descent
        var hit = bottom.logical_and_(candidates < o.Threshold);                                // (B, F, K)
        var followed = hit.to_type(ScalarType.Byte).argmax(2, keepdim: true);                   // (B, F, 1) first hit
        var global = candidates.argmin(2, keepdim: true);                                       // (B, F, 1) first minimum
        var best = torch.where(hit.gather(2, followed), followed, global) + tauMin;             // (B, F, 1) τ

        // Step 4: parabola through (τ−1, τ, τ+1), vertex offset (a − c) / (2(a − 2b + c)).
        var around = dn.gather(2, best + torch.arange(-2, 1, dtype: ScalarType.Int64, device: device)); // (B, F, 3)
        var (a, b, c) = (around.select(2, 0), around.select(2, 1), around.select(2, 2));        // (B, F) each
        var curvature = a - 2 * b + c;
        var shift = torch.where(curvature > 0, 0.5f * (a - c) / curvature.clamp_min(1e-30f), 0f).clamp(-0.5, 0.5);
        var f0 = sampleRate / (best.squeeze(2).to_type(ScalarType.Float32) + shift);            // (B, F)

        // Loudness over the W samples centred on the point (PitchTracker's RMS window).
        var meanSquare = windowEnergy.select(2, span / 2 - w / 2) / w;                         // (B, F)
        var loud = meanSquare > Math.Pow(10, o.SilenceDbfs / 10);                              // RMS² vs floor²
        var voiced = (b < o.VoicingThreshold) & loud;                                          // (B, F)
        f0 = torch.where(voiced, f0, 0f);
        return (f0.MoveToOuterDisposeScope(), voiced.MoveToOuterDisposeScope());
    }

    /// <summary>The smallest 2^k, 3·2^k or 5·2^k at least <paramref name="size"/>.</summary>
    static long FftSize(long size)
    {
        long best = long.MaxValue;
        foreach (long odd in new long[] { 1, 3, 5 })
        {
            long n = odd;
            while (n < size) n <<= 1;
            best = Math.Min(best, n);
        }
        return best;
    }
}
