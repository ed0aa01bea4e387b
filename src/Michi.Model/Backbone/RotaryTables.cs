// The cos/sin tables of one model, built once in the model's dtype and device and sliced per
// forward pass. They are deliberately not module buffers: Hugging Face checkpoints do not hold
// them, so keeping them out of the state dict keeps strict loading exact. Should the model be
// moved with .to(), the tables are rebuilt for the new dtype/device on the next use.
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Backbone;

internal sealed class RotaryTables : IDisposable
{
    private readonly double[] _invFreq;
    private readonly object _gate = new();
    private Tensor? _cos, _sin; // (MaxPositions, D)

    public RotaryTables(LlamaConfig config, ScalarType dtype, Device device)
    {
        _invFreq = Rotary.InverseFrequencies(config.HeadDim, config.RopeTheta, config.RopeScaling);
        MaxPositions = config.MaxPositionEmbeddings;
        Build(dtype, device);
    }

    public int MaxPositions { get; }

    /// <summary>cos and sin for positions [start, start + length), each (length, D); the caller disposes them.</summary>
    public (Tensor Cos, Tensor Sin) Slice(int start, int length, ScalarType dtype, Device device)
    {
        if (start < 0 || length < 0 || start + length > MaxPositions)
            throw new ArgumentOutOfRangeException(nameof(length), $"positions {start}..{start + length} exceed max_position_embeddings {MaxPositions}");
        lock (_gate)
        {
            if (_cos!.dtype != dtype || _cos.device != device) Build(dtype, device);
            return (_cos!.narrow(0, start, length), _sin!.narrow(0, start, length));
        }
    }

    private void Build(ScalarType dtype, Device device)
    {
        _cos?.Dispose();
        _sin?.Dispose();
        var (cos, sin) = Rotary.Tables(_invFreq, MaxPositions);
        long d = 2L * _invFreq.Length;
        _cos = Convert(torch.tensor(cos, [MaxPositions, d]), dtype, device);
        _sin = Convert(torch.tensor(sin, [MaxPositions, d]), dtype, device);
    }

    private static Tensor Convert(Tensor cpu, ScalarType dtype, Device device)
    {
        var converted = cpu.to(dtype, device);
        if (!ReferenceEquals(converted, cpu)) cpu.Dispose();
        return converted.DetachFromDisposeScope();
    }

    public void Dispose()
    {
        _cos?.Dispose();
        _sin?.Dispose();
    }
}
