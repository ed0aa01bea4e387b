// The streaming contract shared by every causal layer of the codec. A layer owns weights only;
// everything a session carries from one call to the next (past inputs a convolution still
// needs, an overlap-add tail) lives in a typed state object that the layer creates and the
// caller owns. There is one code path: the offline forward(x) is Step(x) from a fresh state,
// so "streaming == offline" holds by construction and the tests check it numerically.
// Tensors in a state are detached from any DisposeScope (they outlive the step that made them)
// and carry no autograd history (state is never a path for gradients).
// Reference: moshi's StreamingModule / StreamingConv1d state dataclasses (kyutai-labs/moshi).
using static TorchSharp.torch;

namespace Michi.Model.Streaming;

/// <summary>What one session of a streaming layer carries between calls.</summary>
public interface IStreamingState : IDisposable
{
    /// <summary>Back to the fresh state (as if nothing had been fed), keeping the storage.</summary>
    void Reset();
}

/// <summary>A causal layer that can be fed its input in pieces of any length.</summary>
public interface IStreamingModule<TState> where TState : IStreamingState
{
    /// <summary>A fresh state for <paramref name="batchSize"/> parallel streams, on the layer's
    /// device and dtype; the caller owns and disposes it.</summary>
    TState CreateState(long batchSize);

    /// <summary>Consumes the next piece of input and returns every output it completes. The
    /// concatenation of the outputs of any chunking equals one call on the whole input.</summary>
    Tensor Step(Tensor x, TState state);
}
