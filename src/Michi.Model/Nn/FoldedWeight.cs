// A derived weight (e.g. weight norm's g · v / ‖v‖) computed once and reused while a module
// only runs inference. Streaming one 80 ms frame calls ~30–70 small convolutions; recomputing
// every derived weight per call would re-read all parameters each frame (≈ 1 ms for a
// few-MB model), more than the arithmetic of the frame itself.
// Validity: the owning layer consults the cache only in eval mode with gradients disabled, and
// drops it in train()/eval() (TorchSharp's eval() calls the virtual train(false)). The cache
// also rebuilds when the source parameter's handle changes (a device or dtype move replaces
// it). Writing new values into the parameters of a module already used for inference in eval
// mode (e.g. loading a checkpoint into it) requires calling eval() again.
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Nn;

internal sealed class FoldedWeight : IDisposable
{
    private readonly object _lock = new();
    private Tensor? _value;
    private IntPtr _source;

    /// <summary>The cached value for <paramref name="source"/>, computing it on first use. The
    /// result belongs to the cache: do not dispose it.</summary>
    public Tensor GetOrCreate(Tensor source, Func<Tensor> compute)
    {
        var value = _value;
        if (value is not null && _source == source.Handle) return value;
        lock (_lock)
        {
            if (_value is not null && _source == source.Handle) return _value;
            using (torch.no_grad())
            {
                var fresh = compute().DetachFromDisposeScope();
                _value?.Dispose();
                _value = fresh;
                _source = source.Handle;
            }
            return _value;
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _value?.Dispose();
            _value = null;
            _source = IntPtr.Zero;
        }
    }

    public void Dispose() => Clear();
}
