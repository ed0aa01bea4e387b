// One resolution level of the listen encoder: a residual block at the input rate, an
// activation, then a strided causal conv (kernel 2·stride, as in SEANet) to the next level.
// Shapes: (B, C_in, T) → (B, C_out, ⌊(T + pending) / stride⌋).
using TorchSharp;
using TorchSharp.Utils;
using Michi.Model.Nn;
using Michi.Model.Streaming;
using static TorchSharp.torch;

namespace Michi.Model.Codec;

public sealed class EncoderBlockState(ResBlockState res, ConvState down) : IStreamingState
{
    public ResBlockState Res { get; } = res;
    public ConvState Down { get; } = down;
    public void Reset() { Res.Reset(); Down.Reset(); }
    public void Dispose() { Res.Dispose(); Down.Dispose(); }
}

/// <summary>One resolution level: residual block, activation, strided causal conv.</summary>
public sealed class EncoderBlock : nn.Module<Tensor, Tensor>, IStreamingModule<EncoderBlockState>
{
    [ComponentName(Name = "res")] private readonly ResBlock? _res;
    [ComponentName(Name = "act")] private readonly nn.Module<Tensor, Tensor> _act;
    [ComponentName(Name = "down")] private readonly CausalConv1d _down;

    public EncoderBlock(long inChannels, long outChannels, int stride, ListenEncoderConfig config) : base(nameof(EncoderBlock))
    {
        if (config.ResidualDilations.Count > 0)
            _res = new ResBlock(inChannels, config.KernelSize, config.ResidualDilations, config.ResidualBottleneck, config.Activation);
        _act = Activation.Create(config.Activation, inChannels);
        _down = new CausalConv1d(inChannels, outChannels, 2L * stride, stride: stride);
        RegisterComponents();
    }

    public EncoderBlockState CreateState(long batchSize) =>
        new(_res?.CreateState(batchSize) ?? new ResBlockState([]), _down.CreateState(batchSize));

    public override Tensor forward(Tensor x)
    {
        using var state = CreateState(x.shape[0]);
        return Step(x, state);
    }

    public Tensor Step(Tensor x, EncoderBlockState state)
    {
        using var r = _res is null ? x.alias() : _res.Step(x, state.Res);
        using var a = _act.call(r);
        return _down.Step(a, state.Down);
    }
}
