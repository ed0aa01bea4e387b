// HiFi-GAN's multi-receptive-field fusion: residual blocks with different kernel sizes (e.g.
// 3, 7, 11) read the same input and their outputs are averaged, so one stage sees several
// time scales at once. Parameter names: `blocks.{j}.units.{i}.…`.
// Reference: Kong et al. 2020 "HiFi-GAN" (arXiv:2010.05646) §2.1, models.py Generator.
// Shapes: (B, C, T) → (B, C, T).
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using Michi.Model.Streaming;
using static TorchSharp.torch;

namespace Michi.Model.Nn;

public sealed class MultiReceptiveFieldState(IReadOnlyList<ResBlockState> blocks) : IStreamingState
{
    public IReadOnlyList<ResBlockState> Blocks { get; } = blocks;

    public void Reset()
    {
        foreach (var b in Blocks) b.Reset();
    }

    public void Dispose()
    {
        foreach (var b in Blocks) b.Dispose();
    }
}

public sealed class MultiReceptiveField : nn.Module<Tensor, Tensor>, IStreamingModule<MultiReceptiveFieldState>
{
    [ComponentName(Name = "blocks")] private readonly ModuleList<ResBlock> _blocks;

    public MultiReceptiveField(long channels, IReadOnlyList<int> kernelSizes, IReadOnlyList<IReadOnlyList<int>> dilations,
        int bottleneck, string activation) : base(nameof(MultiReceptiveField))
    {
        if (kernelSizes.Count == 0 || kernelSizes.Count != dilations.Count)
            throw new ArgumentException($"{kernelSizes.Count} kernel sizes but {dilations.Count} dilation lists");
        _blocks = new ModuleList<ResBlock>(kernelSizes
            .Select((k, j) => new ResBlock(channels, k, dilations[j], bottleneck, activation)).ToArray());
        RegisterComponents();
    }

    public MultiReceptiveFieldState CreateState(long batchSize) =>
        new(_blocks.Select(b => b.CreateState(batchSize)).ToArray());

    public override Tensor forward(Tensor x)
    {
        using var state = CreateState(x.shape[0]);
        return Step(x, state);
    }

    public Tensor Step(Tensor x, MultiReceptiveFieldState state)
    {
        var sum = _blocks[0].Step(x, state.Blocks[0]);
        for (int j = 1; j < _blocks.Count; j++)
        {
            using var y = _blocks[j].Step(x, state.Blocks[j]);
            var next = sum + y;
            sum.Dispose();
            sum = next;
        }
        if (_blocks.Count == 1) return sum;
        using (sum) return sum / _blocks.Count;
    }
}
