// Llama self-attention: q/k/v/o projections without bias, RoPE on q and k, grouped-query
// attention (num_key_value_heads ≤ num_heads, each kv head serving G = heads / kv_heads query
// heads, head h using kv head h / G as transformers' repeat_kv does), causal, through
// scaled_dot_product_attention (scale 1/sqrt(D), its default).
// GQA without copying the cache: instead of expanding k/v G times (a copy of the whole cache
// every decode step), the G query heads of each kv head are folded into the query-length axis,
// (B, H, T, D) → (B, KV, G·T, D), which is the same arithmetic. The causal mask is repeated G
// times to match; a single decode position needs no mask at all.
// New keys/values are written into the caller's KvCache at its position, then attention reads
// positions [0, position + T): prefill and decode are the same code.
// Reference: Ainslie et al. 2023 "GQA" (arXiv:2305.13245); transformers LlamaAttention.
//
// Shapes: B batch, T new positions, S = position + T attended positions, C hidden, H query
// heads, KV key-value heads, G = H / KV, D head_dim.
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Michi.Model.Backbone;

public sealed class LlamaAttention : nn.Module
{
    [ComponentName(Name = "q_proj")] private readonly Linear _q;
    [ComponentName(Name = "k_proj")] private readonly Linear _k;
    [ComponentName(Name = "v_proj")] private readonly Linear _v;
    [ComponentName(Name = "o_proj")] private readonly Linear _o;
    private readonly int _heads, _kvHeads, _headDim;

    public LlamaAttention(LlamaConfig config, ScalarType dtype, Device device) : base(nameof(LlamaAttention))
    {
        _heads = config.NumAttentionHeads;
        _kvHeads = config.NumKeyValueHeads;
        _headDim = config.HeadDim;
        _q = nn.Linear(config.HiddenSize, _heads * _headDim, hasBias: false, device: device, dtype: dtype);
        _k = nn.Linear(config.HiddenSize, _kvHeads * _headDim, hasBias: false, device: device, dtype: dtype);
        _v = nn.Linear(config.HiddenSize, _kvHeads * _headDim, hasBias: false, device: device, dtype: dtype);
        _o = nn.Linear(_heads * _headDim, config.HiddenSize, hasBias: false, device: device, dtype: dtype);
        RegisterComponents();
    }

    /// <summary>(B, T, C) → (B, T, C). With a cache, appends at <paramref name="position"/> (the
    /// cache's Position; the model advances it after the last layer) and attends to everything
    /// before; without one, attends within x. <paramref name="mask"/> comes from
    /// <see cref="CausalMask"/> (null when T = 1).</summary>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, KvCache? cache, int layer, int position, Tensor? mask)
    {
        long b = x.shape[0], t = x.shape[1];
        int groups = _heads / _kvHeads;

        using var qFlat = _q.forward(x);                                           // (B, T, H·D)
        using var kFlat = _k.forward(x);                                           // (B, T, KV·D)
        using var vFlat = _v.forward(x);
        using var qHeads = qFlat.view(b, t, _heads, _headDim).transpose(1, 2);     // (B, H, T, D)
        using var kHeads = kFlat.view(b, t, _kvHeads, _headDim).transpose(1, 2);  // (B, KV, T, D)
        using var vNew = vFlat.view(b, t, _kvHeads, _headDim).transpose(1, 2);     // (B, KV, T, D)
        using var q = Rotary.Apply(qHeads, cos, sin);
        using var kNew = Rotary.Apply(kHeads, cos, sin);

        Tensor k = kNew, v = vNew;
        if (cache is not null)
        {
            var (keys, values) = cache.Layer(layer);                               // (B, KV, MaxLength, D)
            using (var slot = keys.narrow(2, position, t)) slot.copy_(kNew);
            using (var slot = values.narrow(2, position, t)) slot.copy_(vNew);
            k = keys.narrow(2, 0, position + t);                                   // (B, KV, S, D)
            v = values.narrow(2, 0, position + t);
        }
        try
        {
            using var qGrouped = q.reshape(b, _kvHeads, groups * t, _headDim);     // (B, KV, G·T, D)
            using var attended = nn.functional.scaled_dot_product_attention(qGrouped, k, v, mask);
            using var merged = attended.view(b, _heads, t, _headDim)               // (B, H, T, D)
                .transpose(1, 2).reshape(b, t, _heads * _headDim);                 // (B, T, H·D)
            return _o.forward(merged);                                             // (B, T, C)
        }
        finally
        {
            if (cache is not null)
            {
                k.Dispose();
                v.Dispose();
            }
        }
    }

    /// <summary>The boolean attention mask for T new positions starting at <paramref name="position"/>
    /// with G query heads folded per kv head: (G·T, position + T), true where query row
    /// g·T + i may see key j, i.e. j ≤ position + i. Null when T = 1 (it sees everything).</summary>
    public static Tensor? CausalMask(int position, int length, int groups, Device device)
    {
        if (length == 1) return null;
        using var keys = torch.arange(position + length, dtype: ScalarType.Int64, device: device);       // (S)
        using var queries = torch.arange(position, position + length, dtype: ScalarType.Int64, device: device)
            .unsqueeze(1);                                                                            // (T, 1)
        var mask = keys.unsqueeze(0) <= queries;                                                      // (T, S)
        if (groups == 1) return mask;
        using (mask) return mask.repeat(groups, 1);                                                   // (G·T, S)
    }
}
