// Initialisation of a Llama backbone trained from scratch, as transformers' LlamaPreTrainedModel
// _init_weights does: every linear and embedding weight ~ N(0, initializer_range²) (0.02),
// RMSNorm weights 1. TorchSharp's module defaults (an N(0, 1) embedding, Kaiming-uniform
// linears) would start a tied model with logits of standard deviation ≈ √hidden and a loss far
// above ln(vocab). Draws come from torch's global generator: seed it first.
using Michi.Model.Backbone;
using TorchSharp;

namespace Michi.Training.Text;

public static class LlamaInit
{
    public const double DefaultStd = 0.02;

    public static void Apply(LlamaForCausalLM model, double std = DefaultStd)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var noGrad = torch.no_grad();
        foreach (var (name, p) in model.named_parameters())
        {
            if (name.EndsWith("norm.weight", StringComparison.Ordinal)) p.fill_(1.0);
            else torch.nn.init.normal_(p, 0.0, std);
        }
    }
}
