// The activations the codec's config can name. "snake" (per-channel learned frequency,
// BigVGAN) or "leaky_relu" (HiFi-GAN, slope 0.1). Both are pointwise: causal and stateless.
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Nn;

public static class Activation
{
    public const string SnakeName = "snake";
    public const string LeakyReluName = "leaky_relu";

    /// <summary>HiFi-GAN's LRELU_SLOPE.</summary>
    public const double LeakySlope = 0.1;

    public static IReadOnlyList<string> Names { get; } = [SnakeName, LeakyReluName];

    /// <summary>An activation module for <paramref name="channels"/> channels.</summary>
    public static nn.Module<Tensor, Tensor> Create(string name, long channels) => name switch
    {
        SnakeName => new Snake(channels),
        LeakyReluName => new LeakyRelu(LeakySlope),   // not nn.LeakyReLU: see LeakyRelu.cs
        _ => throw new ArgumentException($"unknown activation \"{name}\" (known: {string.Join(", ", Names)})", nameof(name)),
    };
}
