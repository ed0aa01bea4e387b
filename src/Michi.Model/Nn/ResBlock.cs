// A chain of residual units sharing one kernel size with growing dilations (e.g. 1, 3, 5 in
// HiFi-GAN; 1, 3, 9 in SEANet): the receptive field grows geometrically at constant cost.
// Parameter names: `units.{i}.…`.
// Shapes: (B, C, T) → (B, C, T).
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using Michi.Model.Streaming;
using static TorchSharp.torch;

namespace Michi.Model.Nn;

public sealed class ResBlockState(IReadOnlyList<ResidualUnitState> units) : IStreamingState
{
    public IReadOnlyList<ResidualUnitState> Units { get; } = units;

    public void Reset()
    {
        foreach (var u in Units) u.Reset();
    }

    public void Dispose()
    {
        foreach (var u in Units) u.Dispose();
    }
}

public sealed class ResBlock : nn.Module<Tensor, Tensor>, IStreamingModule<ResBlockState>
{
    [ComponentName(Name = "units")] private readonly ModuleList<ResidualUnit> _units;

    public ResBlock(long channels, long kernelSize, IReadOnlyList<int> dilations, int bottleneck, string activation)
        : base(nameof(ResBlock))
    {
        if (dilations.Count == 0) throw new ArgumentException("a residual block needs at least one dilation");
        _units = new ModuleList<ResidualUnit>(
            dilations.Select(d => new ResidualUnit(channels, kernelSize, d, bottleneck, activation)).ToArray());
        RegisterComponents();
    }

    public ResBlockState CreateState(long batchSize) =>
        new(_units.Select(u => u.CreateState(batchSize)).ToArray());

    public override Tensor forward(Tensor x)
    {
        using var state = CreateState(x.shape[0]);
        return Step(x, state);
    }

    public Tensor Step(Tensor x, ResBlockState state)
    {
        var h = x;
        for (int i = 0; i < _units.Count; i++)
        {
            var next = _units[i].Step(h, state.Units[i]);
            if (!ReferenceEquals(h, x)) h.Dispose();
            h = next;
        }
        return h;
    }
}
