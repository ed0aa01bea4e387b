// One pre-norm Llama block: x + attn(norm(x)), then h + mlp(norm(h)).
// Reference: transformers LlamaDecoderLayer (input_layernorm, self_attn,
// post_attention_layernorm, mlp).
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Michi.Model.Backbone;

public sealed class LlamaDecoderLayer : nn.Module
{
    [ComponentName(Name = "self_attn")] private readonly LlamaAttention _attention;
    [ComponentName(Name = "mlp")] private readonly LlamaMlp _mlp;
    [ComponentName(Name = "input_layernorm")] private readonly RmsNorm _attentionNorm;
    [ComponentName(Name = "post_attention_layernorm")] private readonly RmsNorm _mlpNorm;

    public LlamaDecoderLayer(LlamaConfig config, ScalarType dtype, Device device) : base(nameof(LlamaDecoderLayer))
    {
        _attention = new LlamaAttention(config, dtype, device);
        _mlp = new LlamaMlp(config, dtype, device);
        _attentionNorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, dtype, device);
        _mlpNorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, dtype, device);
        RegisterComponents();
    }

    /// <summary>(B, T, C) → (B, T, C); see <see cref="LlamaAttention.Forward"/> for the rest.</summary>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, KvCache? cache, int layer, int position, Tensor? mask)
    {
        using var normed = _attentionNorm.forward(x);
        using var attended = _attention.Forward(normed, cos, sin, cache, layer, position, mask);
        using var h = x + attended;                  // (B, T, C)
        using var normed2 = _mlpNorm.forward(h);
        using var mlp = _mlp.forward(normed2);
        return h + mlp;
    }
}
