// One causal residual unit: y = x + conv2(act2(conv1(act1(x)))). conv1 has the unit's kernel
// and dilation and maps C → H channels; conv2 maps back. Two shapes in one type:
// - H = C, conv2 kernel = conv1's (dilation 1): HiFi-GAN's ResBlock1 step;
// - H = C / bottleneck, conv2 pointwise: SEANet / EnCodec's bottleneck unit, about
//   2·bottleneck times cheaper (NOTES.md: bottleneck units made a CPU codec 3× faster).
// Every conv is causal and stride 1, so y has x's length and the skip needs no alignment.
// References: Kong et al. 2020 "HiFi-GAN" (arXiv:2010.05646) models.py ResBlock1;
// Défossez et al. 2022 "EnCodec" (arXiv:2210.13438) SEANetResnetBlock.
// Shapes: (B, C, T) → (B, C, T).
using TorchSharp;
using TorchSharp.Utils;
using Michi.Model.Streaming;
using static TorchSharp.torch;

namespace Michi.Model.Nn;

public sealed class ResidualUnitState(ConvState conv1, ConvState conv2) : IStreamingState
{
    public ConvState Conv1 { get; } = conv1;
    public ConvState Conv2 { get; } = conv2;

    public void Reset()
    {
        Conv1.Reset();
        Conv2.Reset();
    }

    public void Dispose()
    {
        Conv1.Dispose();
        Conv2.Dispose();
    }
}

public sealed class ResidualUnit : nn.Module<Tensor, Tensor>, IStreamingModule<ResidualUnitState>
{
    [ComponentName(Name = "act1")] private readonly nn.Module<Tensor, Tensor> _act1;
    [ComponentName(Name = "conv1")] private readonly CausalConv1d _conv1;
    [ComponentName(Name = "act2")] private readonly nn.Module<Tensor, Tensor> _act2;
    [ComponentName(Name = "conv2")] private readonly CausalConv1d _conv2;

    /// <param name="bottleneck">1: HiFi-GAN unit (hidden C, conv2 kernel = kernel);
    /// &gt; 1: SEANet unit (hidden C / bottleneck, conv2 pointwise).</param>
    public ResidualUnit(long channels, long kernelSize, long dilation, int bottleneck, string activation)
        : base(nameof(ResidualUnit))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bottleneck, 1);
        if (channels % bottleneck != 0)
            throw new ArgumentException($"channels {channels} are not divisible by the bottleneck factor {bottleneck}");
        long hidden = channels / bottleneck;
        _act1 = Activation.Create(activation, channels);
        _conv1 = new CausalConv1d(channels, hidden, kernelSize, dilation: dilation);
        _act2 = Activation.Create(activation, hidden);
        _conv2 = new CausalConv1d(hidden, channels, bottleneck == 1 ? kernelSize : 1);
        Channels = channels;
        RegisterComponents();
    }

    public long Channels { get; }

    public ResidualUnitState CreateState(long batchSize) =>
        new(_conv1.CreateState(batchSize), _conv2.CreateState(batchSize));

    public override Tensor forward(Tensor x)
    {
        using var state = CreateState(x.shape[0]);
        return Step(x, state);
    }

    public Tensor Step(Tensor x, ResidualUnitState state)
    {
        using var a = _act1.call(x);
        using var h = _conv1.Step(a, state.Conv1);
        using var b = _act2.call(h);
        using var r = _conv2.Step(b, state.Conv2);
        return x + r;
    }
}
