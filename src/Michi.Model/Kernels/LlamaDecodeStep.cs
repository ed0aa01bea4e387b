// The single-position decode step of a LlamaForCausalLM, computed with the matrix-vector kernels
// instead of LibTorch ops: at batch 1 a step is one pass over every weight, which LibTorch runs
// on one thread (bfloat16 slowly) with ≈ 1 µs per op and ≈ 30 ops per layer. Here every
// product is multi-threaded and reads the weights in place, q/k/v and gate/up are each one pass,
// and the small vector work (RMSNorm, rotary, softmax) is plain loops.
// It reads the model's own parameters (by their Hugging Face names) and the same KvCache, so
// prefill with the model and decode with this step mix freely. The math follows Backbone/
// (RmsNorm, Rotary, LlamaAttention, LlamaMlp) step by step and tests hold it to the model's
// forward within 1e-4 in float32. Activations stay float32 even for bfloat16 weights (more
// exact than the model's bfloat16 compute); keys/values are rounded into a bfloat16 cache.
// Bound to the weights' storage when built: copy_ into the parameters is fine; replacing them
// or moving the model (.to) needs a new step object. One step runs at a time (a lock); the
// threads of one step are the ComputePool's.
//
// Shapes: C hidden, H heads, KV kv heads, D head_dim, I intermediate, V vocabulary.
using Michi.Model.Backbone;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Kernels;

public sealed unsafe class LlamaDecodeStep
{
    readonly Layer[] _layers;
    readonly WeightMatrix _embedding, _head;     // (V, C); the same storage when tied
    readonly Tensor _finalNorm;                  // (C)
    readonly Tensor[] _keepAlive;
    readonly double[] _inverseFrequencies;       // (D/2)
    readonly ComputePool _pool;
    readonly DecodeAttention _attention;
    readonly Lock _gate = new();
    readonly float[] _x, _normed, _qkv, _attended, _mlp, _delta, _cos, _sin;

    sealed record Layer(WeightMatrix Q, WeightMatrix K, WeightMatrix V, WeightMatrix O,
                        WeightMatrix Gate, WeightMatrix Up, WeightMatrix Down, Tensor AttentionNorm, Tensor MlpNorm);

    public LlamaDecodeStep(LlamaForCausalLM model, ComputePool? pool = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.DType is not (ScalarType.Float32 or ScalarType.BFloat16))
            throw new NotSupportedException($"the fast decode step reads float32 or bfloat16 weights, not {model.DType}");
        if (model.Device.type != DeviceType.CPU)
            throw new NotSupportedException($"the fast decode step runs on the CPU, not {model.Device}");
        Model = model;
        Config = model.Config;
        _pool = pool ?? ComputePool.Shared;
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        Tensor Get(string name) => parameters.TryGetValue(name, out var t) ? t : throw new ArgumentException($"the model has no parameter {name}", nameof(model));
        WeightMatrix Matrix(string name) => WeightMatrix.Of(Get(name));

        _layers = new Layer[Config.NumHiddenLayers];
        for (int i = 0; i < _layers.Length; i++)
        {
            string p = $"model.layers.{i}.";
            _layers[i] = new Layer(
                Matrix(p + "self_attn.q_proj.weight"), Matrix(p + "self_attn.k_proj.weight"), Matrix(p + "self_attn.v_proj.weight"),
                Matrix(p + "self_attn.o_proj.weight"),
                Matrix(p + "mlp.gate_proj.weight"), Matrix(p + "mlp.up_proj.weight"), Matrix(p + "mlp.down_proj.weight"),
                Vector(Get(p + "input_layernorm.weight")), Vector(Get(p + "post_attention_layernorm.weight")));
        }
        _embedding = Matrix("model.embed_tokens.weight");
        _head = parameters.ContainsKey("lm_head.weight") ? Matrix("lm_head.weight") : _embedding;
        _finalNorm = Vector(Get("model.norm.weight"));
        _keepAlive = [.. parameters.Values];

        _inverseFrequencies = Rotary.InverseFrequencies(Config.HeadDim, Config.RopeTheta, Config.RopeScaling);

        int c = Config.HiddenSize, h = Config.NumAttentionHeads, kv = Config.NumKeyValueHeads, d = Config.HeadDim;
        _attention = new DecodeAttention(h, kv, d, MatVecKernels.Wide);
        _x = new float[c];
        _normed = new float[Math.Max(c, h * d)];
        _qkv = new float[(h + 2 * kv) * d];
        _attended = new float[h * d];
        _mlp = new float[Config.IntermediateSize];
        _delta = new float[c];
        _cos = new float[d];
        _sin = new float[d];
    }

    public LlamaForCausalLM Model { get; }
    public LlamaConfig Config { get; }

    /// <summary>Every matrix one step reads in full (the embedding is read one row at a time and
    /// counts only when it doubles as the output layer).</summary>
    public IReadOnlyList<WeightMatrix> StepMatrices =>
        [.. _layers.SelectMany(l => new[] { l.Q, l.K, l.V, l.O, l.Gate, l.Up, l.Down }), _head];

    /// <summary>Token <paramref name="token"/>'s embedding row, as float32 (C).</summary>
    public void Embed(int token, Span<float> embedding)
    {
        if ((uint)token >= (uint)_embedding.Rows) throw new ArgumentOutOfRangeException(nameof(token), $"token {token} is outside the vocabulary (0..{_embedding.Rows - 1})");
        if (embedding.Length != _embedding.Columns) throw new ArgumentException($"embedding must have {_embedding.Columns} elements", nameof(embedding));
        ReadRow(_embedding, token, embedding);
    }

    /// <summary>One position: (C) input embedding → (C) final-normed hidden state, its keys and
    /// values appended to <paramref name="cache"/> at cache.Position, which advances by one. The
    /// same as model.Hidden on a (1, 1, C) input.</summary>
    public void Hidden(ReadOnlySpan<float> embedding, KvCache cache, Span<float> hidden)
    {
        int c = Config.HiddenSize;
        if (embedding.Length != c) throw new ArgumentException($"embedding must have {c} elements", nameof(embedding));
        if (hidden.Length != c) throw new ArgumentException($"hidden must have {c} elements", nameof(hidden));
        CheckCache(cache);
        lock (_gate)
        {
            embedding.CopyTo(_x);
            RotaryRow(cache.Position);
            for (int i = 0; i < _layers.Length; i++) RunLayer(i, cache);
            cache.Advance(1);
            RmsNorm(_x, _finalNorm, hidden);
        }
    }

    /// <summary>(C) hidden state → (V) logits.</summary>
    public void Logits(ReadOnlySpan<float> hidden, Span<float> logits)
    {
        if (logits.Length != _head.Rows) throw new ArgumentException($"logits must have {_head.Rows} elements", nameof(logits));
        MatVec.Multiply(_head, hidden, logits, _pool);
    }

    /// <summary>Embed, Hidden and Logits for one token: the next-token logits (V).</summary>
    public void Forward(int token, KvCache cache, Span<float> logits)
    {
        if (logits.Length != _head.Rows) throw new ArgumentException($"logits must have {_head.Rows} elements", nameof(logits));
        Span<float> embedding = new float[Config.HiddenSize], hidden = new float[Config.HiddenSize];
        Embed(token, embedding);
        Hidden(embedding, cache, hidden);
        Logits(hidden, logits);
    }

    /// <summary>Drop-in for model.Forward(ids, cache, lastPositionOnly: true) when ids is (1, 1):
    /// float32 logits (1, 1, V) on the CPU.</summary>
    public Tensor Forward(Tensor ids, KvCache cache)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.dim() != 2 || ids.shape[0] != 1 || ids.shape[1] != 1)
            throw new ArgumentException($"ids must be (1, 1), got ({string.Join(", ", ids.shape)})", nameof(ids));
        var logits = new float[Config.VocabSize];
        Forward(checked((int)ids.item<long>()), cache, logits);
        return torch.tensor(logits, [1, 1, Config.VocabSize]);
    }

    void RunLayer(int index, KvCache cache)
    {
        var layer = _layers[index];
        int c = Config.HiddenSize, h = Config.NumAttentionHeads, kv = Config.NumKeyValueHeads, d = Config.HeadDim;
        int position = cache.Position;
        var normed = _normed.AsSpan(0, c);

        // Attention: x += o(attn(rope(q), [cache; rope(k)], [cache; v])), q/k/v from norm(x).
        RmsNorm(_x, layer.AttentionNorm, normed);
        MatVec.Multiply([layer.Q, layer.K, layer.V], normed, _qkv, _pool);
        var (keys, values) = cache.Layer(index);                                  // (1, KV, M, D)
        bool bf16 = keys.dtype == ScalarType.BFloat16;
        void* keyBase = WeightMatrix.Pointer(keys), valueBase = WeightMatrix.Pointer(values);
        fixed (float* qkv = _qkv, attended = _attended)
        {
            float* q = qkv, k = qkv + h * d, v = k + kv * d;
            var cos = _cos.AsSpan();
            var sin = _sin.AsSpan();
            for (int head = 0; head < h; head++) ApplyRotary(new Span<float>(q + head * d, d), cos, sin);
            for (int head = 0; head < kv; head++)
            {
                ApplyRotary(new Span<float>(k + head * d, d), cos, sin);
                long slot = ((long)head * cache.MaxLength + position) * d;          // [0, head, position, :]
                Store(keyBase, bf16, slot, new ReadOnlySpan<float>(k + head * d, d));
                Store(valueBase, bf16, slot, new ReadOnlySpan<float>(v + head * d, d));
            }
            _attention.Run(q, keyBase, valueBase, bf16, cache.MaxLength, position + 1, attended, _pool);
        }
        MatVec.Multiply(layer.O, _attended, _delta, _pool);
        Add(_x, _delta);

        // MLP: x += down(silu(gate(norm(x))) ⊙ up(norm(x))).
        RmsNorm(_x, layer.MlpNorm, normed);
        MatVec.SwiGlu(layer.Gate, layer.Up, normed, _mlp, _pool);
        MatVec.Multiply(layer.Down, _mlp, _delta, _pool);
        Add(_x, _delta);
    }

    /// <summary>y = w · x / sqrt(mean(x²) + eps), in RmsNorm's order of operations.</summary>
    void RmsNorm(ReadOnlySpan<float> x, Tensor weight, Span<float> y)
    {
        double sum = 0;
        foreach (float v in x) sum += (double)v * v;
        float inverseRms = 1f / MathF.Sqrt((float)(sum / x.Length) + (float)Config.RmsNormEps);
        Span<float> w = stackalloc float[x.Length];
        ReadVector(weight, w);
        for (int i = 0; i < x.Length; i++) y[i] = w[i] * (x[i] * inverseRms);
    }

    /// <summary>Row <paramref name="position"/> of Rotary.Tables (same formula, same rounding) into
    /// _cos/_sin, once per step: a full table for a long context would be large.</summary>
    void RotaryRow(int position)
    {
        int half = _inverseFrequencies.Length;
        for (int i = 0; i < half; i++)
        {
            double angle = position * _inverseFrequencies[i];
            _cos[i] = _cos[i + half] = (float)Math.Cos(angle);
            _sin[i] = _sin[i + half] = (float)Math.Sin(angle);
        }
    }

    /// <summary>x·cos + rotate_half(x)·sin in place (rotate_half(x) = [−x₂, x₁]), as Rotary.Apply.</summary>
    static void ApplyRotary(Span<float> x, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin)
    {
        int half = x.Length / 2;
        for (int i = 0; i < half; i++)
        {
            float x1 = x[i], x2 = x[i + half];
            x[i] = x1 * cos[i] - x2 * sin[i];
            x[i + half] = x2 * cos[i + half] + x1 * sin[i + half];
        }
    }

    static void Add(Span<float> x, ReadOnlySpan<float> delta)
    {
        for (int i = 0; i < x.Length; i++) x[i] += delta[i];
    }

    static void Store(void* storage, bool bf16, long offset, ReadOnlySpan<float> values)
    {
        if (bf16) BFloat16Bits.FromSingle(values, new Span<ushort>((ushort*)storage + offset, values.Length));
        else values.CopyTo(new Span<float>((float*)storage + offset, values.Length));
    }

    static void ReadRow(in WeightMatrix matrix, int row, Span<float> destination)
    {
        long offset = (long)row * matrix.Columns;
        if (matrix.Type == WeightType.BFloat16)
            BFloat16Bits.ToSingle(new ReadOnlySpan<ushort>((ushort*)matrix.Data + offset, matrix.Columns), destination);
        else new ReadOnlySpan<float>((float*)matrix.Data + offset, matrix.Columns).CopyTo(destination);
    }

    static void ReadVector(Tensor vector, Span<float> destination)
    {
        void* data = WeightMatrix.Pointer(vector);
        if (vector.dtype == ScalarType.BFloat16) BFloat16Bits.ToSingle(new ReadOnlySpan<ushort>(data, destination.Length), destination);
        else new ReadOnlySpan<float>(data, destination.Length).CopyTo(destination);
    }

    static Tensor Vector(Tensor t) =>
        t.dim() == 1 && t.is_contiguous() && t.dtype is ScalarType.Float32 or ScalarType.BFloat16
            ? t : throw new ArgumentException($"expected a contiguous float32/bfloat16 vector, got {t.dtype} ({string.Join(", ", t.shape)})");

    void CheckCache(KvCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        if (cache.BatchSize != 1) throw new ArgumentException($"the decode step runs batch 1, the cache holds {cache.BatchSize}", nameof(cache));
        if (cache.Layers != Config.NumHiddenLayers) throw new ArgumentException($"cache has {cache.Layers} layers, the model {Config.NumHiddenLayers}", nameof(cache));
        if (cache.Device.type != DeviceType.CPU) throw new ArgumentException("the cache must be on the CPU", nameof(cache));
        if (cache.DType is not (ScalarType.Float32 or ScalarType.BFloat16)) throw new ArgumentException($"cache dtype {cache.DType} is not float32 or bfloat16", nameof(cache));
        var keys = cache.Layer(0).Keys;
        if (keys.shape[1] != Config.NumKeyValueHeads || keys.shape[3] != Config.HeadDim)
            throw new ArgumentException($"cache shape ({string.Join(", ", keys.shape)}) does not fit this model", nameof(cache));
        if (cache.Position >= cache.MaxLength)
            throw new InvalidOperationException($"KV cache holds {cache.MaxLength} positions: {cache.Position} used, 1 more asked");
    }
}
