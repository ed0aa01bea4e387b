// Llama's feed-forward block, SwiGLU: down(silu(gate(x)) ⊙ up(x)), no biases.
// Reference: Shazeer 2020 "GLU Variants Improve Transformer" (arXiv:2002.05202);
// transformers LlamaMLP (state-dict names gate_proj, up_proj, down_proj).
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Michi.Model.Backbone;

public sealed class LlamaMlp : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "gate_proj")] private readonly Linear _gate;
    [ComponentName(Name = "up_proj")] private readonly Linear _up;
    [ComponentName(Name = "down_proj")] private readonly Linear _down;

    public LlamaMlp(LlamaConfig config, ScalarType dtype, Device device) : base(nameof(LlamaMlp))
    {
        _gate = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: false, device: device, dtype: dtype);
        _up = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: false, device: device, dtype: dtype);
        _down = nn.Linear(config.IntermediateSize, config.HiddenSize, hasBias: false, device: device, dtype: dtype);
        RegisterComponents();
    }

    /// <summary>(B, T, C) → (B, T, C).</summary>
    public override Tensor forward(Tensor x)
    {
        using var gate = _gate.forward(x);          // (B, T, I)
        using var up = _up.forward(x);              // (B, T, I)
        using var activated = nn.functional.silu(gate);
        activated.mul_(up);
        return _down.forward(activated);            // (B, T, C)
    }
}
