// What one sub-discriminator says about a batch of audio: its logits (B, ·), judged by the
// least-squares GAN losses, and its intermediate feature maps, matched by the feature loss.
using static TorchSharp.torch;

namespace Michi.Training.Discriminators;

public sealed record DiscriminatorOutput(Tensor Logits, IReadOnlyList<Tensor> Features);
