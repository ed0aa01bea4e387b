// State of one causal convolution: the most recent inputs it still needs. A fresh state holds
// `padding` zeros (the causal left padding). With stride 1 that is all it ever holds; with a
// larger stride up to stride − 1 further inputs wait for a complete output window, so the
// length varies between padding and padding + stride − 1. Storage is allocated once at that
// capacity and updated by copy_ from the step's (fresh) input buffer: a step allocates
// nothing that outlives its DisposeScope.
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Streaming;

public sealed class ConvState : IStreamingState
{
    private readonly long _padding;
    private readonly Tensor _storage; // (B, C_in, capacity)

    internal ConvState(long batchSize, long channels, long padding, long capacity, ScalarType dtype, Device device)
    {
        BatchSize = batchSize;
        Channels = channels;
        _padding = padding;
        _storage = torch.zeros([batchSize, channels, capacity], dtype: dtype, device: device).DetachFromDisposeScope();
        Length = padding;
    }

    public long BatchSize { get; }
    public long Channels { get; }

    /// <summary>How many past inputs are held (tracked here to avoid a native shape query).</summary>
    internal long Length { get; private set; }

    /// <summary>(B, C_in, Length): a view of the held inputs, owned by the caller.</summary>
    internal Tensor Context() => _storage.narrow(2, 0, Length);

    /// <summary>Keeps <paramref name="buffer"/>[start..length) (B, C_in, ·) as the context.
    /// The buffer must not alias the storage (it is always a fresh concatenation).</summary>
    internal void Keep(Tensor buffer, long start, long length)
    {
        Length = length - start;
        if (Length == 0) return;
        using var tail = buffer.narrow(2, start, Length);
        using var target = _storage.narrow(2, 0, Length);
        using (torch.no_grad()) target.copy_(tail);
    }

    public void Reset()
    {
        _storage.zero_();
        Length = _padding;
    }

    public void Dispose() => _storage.Dispose();
}
