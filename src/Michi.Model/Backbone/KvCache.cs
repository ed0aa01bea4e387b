// The key/value cache of one generation session. The model never owns one: a caller creates a
// cache per session (one model, many sessions), passes it to every forward call, and the model
// writes the new keys/values at Position and advances it. Prefill (many positions) and decode
// (one position) are the same call. Storage is allocated once: keys and values are each
// (layers, B, kv_heads, max_len, head_dim), so a decode step allocates nothing here.
// Reset() rewinds the position; stale entries beyond it are never read.
// Reference: nanochat engine.py KVCache (pre-allocated, position counter).
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Backbone;

public sealed class KvCache : IDisposable
{
    private readonly Tensor _keys;    // (L, B, KV, MaxLength, D)
    private readonly Tensor _values;  // (L, B, KV, MaxLength, D)
    private readonly Tensor[] _layerKeys;    // views (B, KV, MaxLength, D)
    private readonly Tensor[] _layerValues;

    public KvCache(LlamaConfig config, int batchSize, int maxLength, ScalarType dtype, Device device)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxLength, config.MaxPositionEmbeddings);
        BatchSize = batchSize;
        MaxLength = maxLength;
        Layers = config.NumHiddenLayers;
        DType = dtype;
        Device = device;
        long[] shape = [Layers, batchSize, config.NumKeyValueHeads, maxLength, config.HeadDim];
        _keys = torch.zeros(shape, dtype: dtype, device: device).DetachFromDisposeScope();
        _values = torch.zeros(shape, dtype: dtype, device: device).DetachFromDisposeScope();
        _layerKeys = Enumerable.Range(0, Layers).Select(l => _keys[l].DetachFromDisposeScope()).ToArray();
        _layerValues = Enumerable.Range(0, Layers).Select(l => _values[l].DetachFromDisposeScope()).ToArray();
    }

    public int BatchSize { get; }
    public int MaxLength { get; }
    public int Layers { get; }
    public ScalarType DType { get; }
    public Device Device { get; }

    /// <summary>How many positions hold keys/values: where the next forward call writes.</summary>
    public int Position { get; private set; }

    /// <summary>Positions still free.</summary>
    public int Remaining => MaxLength - Position;

    /// <summary>Forgets everything (the storage is kept and overwritten).</summary>
    public void Reset() => Position = 0;

    /// <summary>Rewinds to an earlier position (e.g. to re-run from a shared prefix).</summary>
    public void Truncate(int position)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(position, Position);
        Position = position;
    }

    /// <summary>Layer <paramref name="layer"/>'s key and value storage, each (B, KV, MaxLength, D).</summary>
    internal (Tensor Keys, Tensor Values) Layer(int layer) => (_layerKeys[layer], _layerValues[layer]);

    internal void Advance(int positions)
    {
        if (Position + positions > MaxLength) throw new InvalidOperationException($"KV cache full: {Position} + {positions} > {MaxLength}");
        Position += positions;
    }

    public void Dispose()
    {
        foreach (var t in _layerKeys) t.Dispose();
        foreach (var t in _layerValues) t.Dispose();
        _keys.Dispose();
        _values.Dispose();
    }
}
