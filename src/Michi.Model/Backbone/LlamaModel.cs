// The Llama decoder stack without its output head (transformers LlamaModel, state-dict prefix
// "model."): token embedding, the decoder layers, the final RMSNorm. It takes input
// embeddings rather than ids so that callers can feed sums of embeddings (the speech model
// adds audio projections to token embeddings at every position).
//
// Shapes: B batch, T new positions, C hidden.
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Michi.Model.Backbone;

public sealed class LlamaModel : nn.Module
{
    [ComponentName(Name = "embed_tokens")] private readonly Embedding _embedTokens;
    [ComponentName(Name = "layers")] private readonly ModuleList<LlamaDecoderLayer> _layers;
    [ComponentName(Name = "norm")] private readonly RmsNorm _norm;
    private readonly RotaryTables _rotary;
    private readonly LlamaConfig _config;

    public LlamaModel(LlamaConfig config, ScalarType dtype, Device device) : base(nameof(LlamaModel))
    {
        _config = config;
        _embedTokens = nn.Embedding(config.VocabSize, config.HiddenSize, device: device, dtype: dtype);
        _layers = new ModuleList<LlamaDecoderLayer>(
            Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new LlamaDecoderLayer(config, dtype, device)).ToArray());
        _norm = new RmsNorm(config.HiddenSize, config.RmsNormEps, dtype, device);
        _rotary = new RotaryTables(config, dtype, device);
        RegisterComponents();
    }

    /// <summary>The token embedding table, (V, C).</summary>
    public Parameter EmbeddingWeight => _embedTokens.weight!;

    /// <summary>(B, T) int64 ids → (B, T, C).</summary>
    public Tensor Embed(Tensor ids) => _embedTokens.forward(ids);

    /// <summary>(B, T, C) input embeddings → (B, T, C) final-normed hidden states. With a cache,
    /// the T positions start at cache.Position and the cache advances by T.</summary>
    public Tensor Forward(Tensor embeddings, KvCache? cache)
    {
        int t = checked((int)embeddings.shape[1]);
        int position = cache?.Position ?? 0;
        if (cache is not null && position + t > cache.MaxLength)
            throw new InvalidOperationException($"KV cache holds {cache.MaxLength} positions: {position} used, {t} more asked");

        var (cos, sin) = _rotary.Slice(position, t, embeddings.dtype, embeddings.device);   // (T, D)
        using var mask = LlamaAttention.CausalMask(position, t, _config.KeyValueGroups, embeddings.device);
        try
        {
            Tensor x = embeddings;
            for (int i = 0; i < _layers.Count; i++)
            {
                var next = _layers[i].Forward(x, cos, sin, cache, i, position, mask);
                if (!ReferenceEquals(x, embeddings)) x.Dispose();
                x = next;
            }
            cache?.Advance(t);
            using (x) return _norm.forward(x);
        }
        finally
        {
            cos.Dispose();
            sin.Dispose();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _rotary.Dispose();
        base.Dispose(disposing);
    }
}
