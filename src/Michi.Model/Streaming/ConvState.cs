// State of one causal convolution: the most recent inputs it still needs. A fresh state holds
// `padding` zeros (the causal left padding). With stride 1 the context length never changes,
// so it lives in one preallocated tensor updated by copy_ (no allocation per step); with a
// larger stride up to stride − 1 extra samples wait for a complete output frame, so the
// context is replaced by a view of the step's input buffer instead.
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Streaming;

public sealed class ConvState : IStreamingState
{
    private readonly long _padding;
    private readonly bool _fixedLength;

    internal ConvState(long batchSize, long channels, long padding, bool fixedLength, ScalarType dtype, Device device)
    {
        BatchSize = batchSize;
        Channels = channels;
        _padding = padding;
        _fixedLength = fixedLength;
        Context = Zeros(dtype, device);
        Length = padding;
    }

    public long BatchSize { get; }
    public long Channels { get; }

    /// <summary>(B, C_in, Length): the inputs carried into the next step.</summary>
    internal Tensor Context { get; private set; }

    /// <summary>Context length, tracked here to avoid a native shape query per step.</summary>
    internal long Length { get; private set; }

    internal bool FixedLength => _fixedLength;

    /// <summary>Stride 1: overwrite the context with the last inputs of <paramref name="buffer"/>.</summary>
    internal void CopyTail(Tensor buffer, long bufferLength)
    {
        if (Length == 0) return;
        using var tail = buffer.narrow(2, bufferLength - Length, Length);
        using (torch.no_grad()) Context.copy_(tail);
    }

    /// <summary>Strided: keep <paramref name="buffer"/>[start..] as the new context.</summary>
    internal void Keep(Tensor buffer, long start, long bufferLength)
    {
        using var view = buffer.narrow(2, start, bufferLength - start);
        var next = view.detach().DetachFromDisposeScope();
        Context.Dispose();
        Context = next;
        Length = bufferLength - start;
    }

    public void Reset()
    {
        if (_fixedLength)
        {
            Context.zero_();
            return;
        }
        var fresh = Zeros(Context.dtype, Context.device);
        Context.Dispose();
        Context = fresh;
        Length = _padding;
    }

    private Tensor Zeros(ScalarType dtype, Device device) =>
        torch.zeros([BatchSize, Channels, _padding], dtype: dtype, device: device).DetachFromDisposeScope();

    public void Dispose() => Context.Dispose();
}
