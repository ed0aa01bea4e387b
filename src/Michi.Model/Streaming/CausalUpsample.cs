// Causal transposed convolution (upsampling by `stride`), computed as a short ordinary
// convolution followed by interleaving. A ConvTranspose1d with kernel K and stride s writes
// input frame t into outputs [t·s, t·s + K); truncated causally (keep the first T·s outputs,
// carry the overlap into the next step) output block t is
//     y[:, t·s + j] = Σ_i W_t[:, :, i·s + j]ᵀ x[:, t − i],  i = 0 … m − 1, m = ⌈K / s⌉,
// which is a causal convolution with kernel m producing C_out·s channels, read back as s
// interleaved phases. Carrying m − 1 past input frames (a ConvState) is the same as carrying
// the transposed convolution's overlap-add tail, and shares the conv code path.
// Why not ConvTranspose1d: measured here (TorchSharp 0.107 / LibTorch 2.10 CPU, 1 thread,
// batch 1), per call: 384→192 ×4, T 1: conv_transpose1d 160 µs, conv + interleave 131 µs;
// 96→48 ×8, T 16: 74 / 58 µs; 512→256 ×8, T 10: 1898 / 1036 µs; 64→32 ×4, T 200: 194 /
// 83 µs — equal for one frame, about 2× faster at training lengths (NOTES.md saw 3× in
// PyTorch). FromTransposedKernel converts a ConvTranspose1d kernel into this layout.
// Parameters: `conv.weight_g/weight_v/bias` with weight (C_out·s, C_in, m), output channel
// co·s + j (bias per phase, a superset of ConvTranspose1d's per-channel bias).
// Shapes: x (B, C_in, T) → (B, C_out, T·s).
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Michi.Model.Streaming;

public sealed class CausalUpsample : nn.Module<Tensor, Tensor>, IStreamingModule<ConvState>
{
    [ComponentName(Name = "conv")] private readonly CausalConv1d _conv;

    /// <param name="kernelSize">The equivalent ConvTranspose1d kernel (HiFi-GAN uses 2·stride);
    /// rounded up to a multiple of the stride.</param>
    public CausalUpsample(long inChannels, long outChannels, long stride, long kernelSize, bool weightNorm = true)
        : base(nameof(CausalUpsample))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelSize, 1);
        InChannels = inChannels;
        OutChannels = outChannels;
        Factor = stride;
        Taps = (kernelSize + stride - 1) / stride;
        _conv = new CausalConv1d(inChannels, outChannels * stride, Taps, weightNorm: weightNorm);
        RegisterComponents();
    }

    public long InChannels { get; }
    public long OutChannels { get; }

    /// <summary>Outputs per input frame.</summary>
    public long Factor { get; }

    /// <summary>Input frames each output depends on (the equivalent kernel / stride).</summary>
    public long Taps { get; }

    /// <summary>The underlying phase convolution (C_in → C_out·s, kernel Taps).</summary>
    public CausalConv1d Conv => _conv;

    public ConvState CreateState(long batchSize) => _conv.CreateState(batchSize);

    public override Tensor forward(Tensor x)
    {
        using var state = CreateState(x.shape[0]);
        return Step(x, state);
    }

    /// <summary>x (B, C_in, T) → (B, C_out, T·s).</summary>
    public Tensor Step(Tensor x, ConvState state)
    {
        using var phases = _conv.Step(x, state);                         // (B, C_out·s, T)
        long batch = x.shape[0], steps = x.shape[2];
        using var split = phases.view(batch, OutChannels, Factor, steps); // (B, C_out, s, T)
        using var ordered = split.transpose(2, 3);                       // (B, C_out, T, s)
        return ordered.reshape(batch, OutChannels, steps * Factor);      // (B, C_out, T·s)
    }

    /// <summary>A ConvTranspose1d kernel (C_in, C_out, K) and its bias (C_out) as this layer's
    /// convolution weight (C_out·s, C_in, ⌈K/s⌉) and bias (C_out·s).</summary>
    public static (Tensor Weight, Tensor? Bias) FromTransposedKernel(Tensor kernel, Tensor? bias, long stride)
    {
        using var scope = torch.NewDisposeScope();
        long inChannels = kernel.shape[0], outChannels = kernel.shape[1], size = kernel.shape[2];
        long taps = (size + stride - 1) / stride;
        var padded = torch.nn.functional.pad(kernel, [0, taps * stride - size]);    // (C_in, C_out, m·s)
        var phased = padded.view(inChannels, outChannels, taps, stride)             // (C_in, C_out, m, s)
            .permute(1, 3, 0, 2)                                                    // (C_out, s, C_in, m)
            .flip(3)                                                                // tap i → conv index m−1−i
            .reshape(outChannels * stride, inChannels, taps);
        var phasedBias = bias?.repeat_interleave(stride);
        return (phased.MoveToOuterDisposeScope(), phasedBias?.MoveToOuterDisposeScope());
    }
}
