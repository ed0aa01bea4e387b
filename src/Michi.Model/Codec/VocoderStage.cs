// One upsampling stage of the vocoder: activation, causal upsampling by `rate` (halving the
// channels), then HiFi-GAN's multi-receptive-field residual blocks at the new rate.
// Shapes: (B, C, T) → (B, C / 2, T·rate).
using TorchSharp;
using TorchSharp.Utils;
using Michi.Model.Nn;
using Michi.Model.Streaming;
using static TorchSharp.torch;

namespace Michi.Model.Codec;

public sealed class VocoderStageState(ConvState up, MultiReceptiveFieldState mrf) : IStreamingState
{
    public ConvState Up { get; } = up;
    public MultiReceptiveFieldState Mrf { get; } = mrf;
    public void Reset() { Up.Reset(); Mrf.Reset(); }
    public void Dispose() { Up.Dispose(); Mrf.Dispose(); }
}

public sealed class VocoderStage : nn.Module<Tensor, Tensor>, IStreamingModule<VocoderStageState>
{
    [ComponentName(Name = "act")] private readonly nn.Module<Tensor, Tensor> _act;
    [ComponentName(Name = "up")] private readonly CausalUpsample _up;
    [ComponentName(Name = "mrf")] private readonly MultiReceptiveField _mrf;

    public VocoderStage(long inChannels, long outChannels, int rate, int kernelSize, VocoderConfig config) : base(nameof(VocoderStage))
    {
        _act = Activation.Create(config.Activation, inChannels);
        _up = new CausalUpsample(inChannels, outChannels, rate, kernelSize);
        _mrf = new MultiReceptiveField(outChannels, config.ResblockKernelSizes, config.ResblockDilationSizes,
            config.ResblockBottleneck, config.Activation);
        RegisterComponents();
    }

    public VocoderStageState CreateState(long batchSize) => new(_up.CreateState(batchSize), _mrf.CreateState(batchSize));

    public override Tensor forward(Tensor x)
    {
        using var state = CreateState(x.shape[0]);
        return Step(x, state);
    }

    public Tensor Step(Tensor x, VocoderStageState state)
    {
        using var a = _act.call(x);
        using var u = _up.Step(a, state.Up);   // (B, C/2, T·rate)
        return _mrf.Step(u, state.Mrf);
    }
}
