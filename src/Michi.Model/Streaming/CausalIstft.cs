// Causal, streaming inverse STFT: the output stage of an iSTFTNet / Vocos-style vocoder. Each
// input frame holds NFft/2 + 1 log-magnitudes then as many phases; it becomes NFft samples
// (magnitude clamped at 100 as in Vocos, irfft, periodic Hann window) that are overlap-added
// at `hop` spacing. Frame f covers samples [f·hop, f·hop + NFft), so once frame f is in,
// samples up to (f+1)·hop are final: no look-ahead, and the NFft − hop samples still being
// summed are the state (fixed length, updated by copy_). There is no "centre" padding and no
// division by the window envelope at the start: a learned generator absorbs the constant
// delay and the first NFft − hop samples simply fade in. The Hann windows sum to NFft/(2·hop)
// when hop divides NFft (and NFft ≥ 2·hop); the window is divided by that, so a steady
// spectrum is reproduced at unit gain.
// References: Kaneko et al. 2022 "iSTFTNet" (arXiv:2203.02395); Siuzdak 2023 "Vocos"
// (arXiv:2306.00814), heads.py ISTFTHead.
// Shapes: spec (B, 2·(NFft/2 + 1), F) → (B, F·hop).
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Michi.Model.Streaming;

/// <summary>The overlap-add tail still being summed: (B, NFft − hop).</summary>
public sealed class IstftState : IStreamingState
{
    internal IstftState(long batchSize, long length, ScalarType dtype, Device device)
    {
        BatchSize = batchSize;
        Tail = torch.zeros([batchSize, length], dtype: dtype, device: device).DetachFromDisposeScope();
    }

    public long BatchSize { get; }
    internal Tensor Tail { get; }
    public void Reset() => Tail.zero_();
    public void Dispose() => Tail.Dispose();
}

public sealed class CausalIstft : nn.Module<Tensor, Tensor>, IStreamingModule<IstftState>
{
    public const double MaxMagnitude = 100.0;

    public CausalIstft(long nFft, long hop) : base(nameof(CausalIstft))
    {
        if (nFft < 2 || nFft % 2 != 0) throw new ArgumentException($"istft n_fft must be even and ≥ 2 (got {nFft})");
        if (hop < 1 || nFft % hop != 0 || nFft < 2 * hop)
            throw new ArgumentException($"istft hop {hop} must divide n_fft {nFft} at least twice (Hann overlap-add)");
        NFft = nFft;
        Hop = hop;
        RegisterComponents();
    }

    public long NFft { get; }
    public long Hop { get; }
    public long Bins => NFft / 2 + 1;

    /// <summary>Channels expected per frame: log-magnitudes then phases.</summary>
    public long InputChannels => 2 * Bins;

    /// <summary>States are float32 on the CPU unless a dtype/device is given (no weights to copy).</summary>
    public IstftState CreateState(long batchSize) => CreateState(batchSize, ScalarType.Float32, torch.CPU);

    public IstftState CreateState(long batchSize, ScalarType dtype, Device device)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return new IstftState(batchSize, NFft - Hop, dtype, device);
    }

    public override Tensor forward(Tensor spec)
    {
        using var state = CreateState(spec.shape[0], spec.dtype, spec.device);
        return Step(spec, state);
    }

    /// <summary>spec (B, 2·bins, F) → (B, F·hop).</summary>
    public Tensor Step(Tensor spec, IstftState state)
    {
        long[] shape = spec.shape;
        if (shape.Length != 3 || shape[0] != state.BatchSize || shape[1] != InputChannels)
            throw new ArgumentException(
                $"istft input must be (B={state.BatchSize}, {InputChannels}, F); got ({string.Join(", ", shape)})", nameof(spec));
        long batch = shape[0], frames = shape[2];
        if (frames == 0) return torch.empty([batch, 0], dtype: spec.dtype, device: spec.device);

        using var scope = torch.NewDisposeScope();
        var logMagnitude = spec.narrow(1, 0, Bins);                          // (B, bins, F)
        var phase = spec.narrow(1, Bins, Bins);                              // (B, bins, F)
        var magnitude = logMagnitude.exp().clamp_max(MaxMagnitude);
        var complexSpec = torch.polar(magnitude, phase);                     // (B, bins, F) complex
        var time = torch.fft.irfft(complexSpec, NFft, dim: 1);              // (B, NFft, F)
        var window = torch.hann_window(NFft, periodic: true, dtype: spec.dtype, device: spec.device)
            .mul_(2.0 * Hop / NFft).view(1, NFft, 1);
        var windowed = time * window;
        long length = (frames - 1) * Hop + NFft;
        var summed = F.fold(windowed, (1, length), (1, NFft), stride: (1, Hop)) // (B, 1, 1, length)
            .view(batch, length);
        var carried = summed + F.pad(state.Tail, [0, length - (NFft - Hop)]);  // add the previous tail
        long emitted = frames * Hop;
        using (torch.no_grad()) state.Tail.copy_(carried.narrow(1, emitted, NFft - Hop));
        return carried.narrow(1, 0, emitted).MoveToOuterDisposeScope();       // (B, F·hop)
    }
}
