// A Llama-architecture causal language model with Hugging Face's state-dict names
// (model.embed_tokens.weight, model.layers.{i}.self_attn.{q,k,v,o}_proj.weight,
// model.layers.{i}.mlp.{gate,up,down}_proj.weight, model.layers.{i}.input_layernorm.weight,
// model.layers.{i}.post_attention_layernorm.weight, model.norm.weight, and lm_head.weight only
// when the head is not tied to the embedding), so Hugging Face checkpoints load strictly.
// Weights live in the dtype and on the device given at construction, and the compute runs in
// that dtype (float32, or bfloat16 for speed); logits are always returned as float32.
// The model holds no per-session state: KV caches belong to callers (see KvCache).
// Entry points, from lowest to highest level: Embed + Hidden + Logits (the speech model feeds
// summed embeddings), and Forward(ids) for plain text.
// Build on device "meta" to get names, shapes and parameter counts without allocating.
// Reference: transformers models/llama/modeling_llama.py (LlamaForCausalLM).
//
// Shapes: B batch, T new positions, C hidden, V vocabulary.
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Michi.Model.Backbone;

public sealed class LlamaForCausalLM : nn.Module
{
    [ComponentName(Name = "model")] private readonly LlamaModel _model;
    [ComponentName(Name = "lm_head")] private readonly Linear? _lmHead;

    public LlamaForCausalLM(LlamaConfig config, ScalarType dtype = ScalarType.Float32, Device? device = null)
        : base(nameof(LlamaForCausalLM))
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Validate() is { } problem) throw new ArgumentException($"invalid config: {problem}", nameof(config));
        if (dtype is not (ScalarType.Float32 or ScalarType.BFloat16 or ScalarType.Float16 or ScalarType.Float64))
            throw new ArgumentException($"compute dtype must be floating point, got {dtype}", nameof(dtype));
        Config = config;
        DType = dtype;
        Device = device ?? torch.CPU;
        _model = new LlamaModel(config, dtype, Device);
        if (!config.TieWordEmbeddings)
            _lmHead = nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false, device: Device, dtype: dtype);
        RegisterComponents();
        // Weights outlive whatever DisposeScope the caller is in when building the model.
        foreach (var p in parameters()) p.DetachFromDisposeScope();
    }

    public LlamaConfig Config { get; }
    public ScalarType DType { get; }
    public Device Device { get; }

    /// <summary>Parameters counted once each (a tied head adds nothing).</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>(B, T) int64 ids → (B, T, C) token embeddings.</summary>
    public Tensor Embed(Tensor ids)
    {
        if (ids.dim() != 2) throw new ArgumentException($"ids must be (B, T), got {ids.dim()} dimensions", nameof(ids));
        return _model.Embed(ids);
    }

    /// <summary>(B, T, C) input embeddings → (B, T, C) final-normed hidden states. With a cache the
    /// positions start at cache.Position, the new keys/values are appended and the cache advances.</summary>
    public Tensor Hidden(Tensor embeddings, KvCache? cache = null)
    {
        if (embeddings.dim() != 3 || embeddings.shape[2] != Config.HiddenSize || embeddings.shape[1] < 1)
            throw new ArgumentException($"embeddings must be (B, T ≥ 1, {Config.HiddenSize}), got ({string.Join(", ", embeddings.shape)})", nameof(embeddings));
        if (embeddings.dtype != DType)
            throw new ArgumentException($"embeddings must be {DType} (the model's compute dtype), got {embeddings.dtype}", nameof(embeddings));
        if (cache is not null && cache.BatchSize != embeddings.shape[0])
            throw new ArgumentException($"cache batch {cache.BatchSize} differs from input batch {embeddings.shape[0]}", nameof(cache));
        return _model.Forward(embeddings, cache);
    }

    /// <summary>(B, T, C) hidden states → (B, T, V) float32 logits.</summary>
    public Tensor Logits(Tensor hidden)
    {
        var logits = _lmHead is null
            ? nn.functional.linear(hidden, _model.EmbeddingWeight)
            : _lmHead.forward(hidden);
        if (logits.dtype == ScalarType.Float32) return logits;
        using (logits) return logits.to(ScalarType.Float32);
    }

    /// <summary>(B, T) int64 ids → float32 logits, (B, T, V), or (B, 1, V) for the last position
    /// only (the head is the costliest layer of a small model: skip it where unused).</summary>
    public Tensor Forward(Tensor ids, KvCache? cache = null, bool lastPositionOnly = false)
    {
        using var embeddings = Embed(ids);
        using var hidden = Hidden(embeddings, cache);
        if (!lastPositionOnly) return Logits(hidden);
        using var last = hidden.narrow(1, hidden.shape[1] - 1, 1);     // (B, 1, C)
        return Logits(last);
    }

    /// <summary>A cache for this model's shape, dtype and device.</summary>
    public KvCache NewCache(int maxLength, int batchSize = 1) => new(Config, batchSize, maxLength, DType, Device);
}
