// Streaming state of the listen text head for one session: the last (window − 1) user latents,
// zeros at the start of a stream (the same zeros the offline pass pads with, so streaming one
// frame at a time equals one offline pass).
//
// Shapes: Context (B, window − 1, D).
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Speech;

public sealed class ListenHeadState : IDisposable
{
    internal ListenHeadState(long batchSize, int history, int latentDim, ScalarType dtype, Device device)
    {
        BatchSize = batchSize;
        History = history;
        LatentDim = latentDim;
        Context = torch.zeros([batchSize, history, latentDim], dtype: dtype, device: device).DetachFromDisposeScope();
    }

    public long BatchSize { get; }
    public int History { get; }
    public int LatentDim { get; }

    /// <summary>(B, window − 1, D): the latents before the next step's.</summary>
    internal Tensor Context { get; private set; }

    /// <summary>Keeps the last History frames of <paramref name="sequence"/> (B, L ≥ History, D).</summary>
    internal void Keep(Tensor sequence)
    {
        if (History == 0) return;
        using var tail = sequence.narrow(1, sequence.shape[1] - History, History);
        using (torch.no_grad()) Context.copy_(tail);
    }

    /// <summary>Back to the start of a stream.</summary>
    public void Reset()
    {
        using (torch.no_grad()) Context.zero_();
    }

    public void Dispose() => Context.Dispose();
}
