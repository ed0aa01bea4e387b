// SpeakHeadSampler (modulations of all Euler steps in one pass) gives SpeakHead.Sample's latents
// for the same noise, on a head pushed away from its zero initialisation so every layer matters.
using Michi.Model.Flow;
using Michi.Runtime.Speech;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Runtime.Tests.Speech;

public sealed class SpeakHeadSamplerTests
{
    [Theory]
    [InlineData(1, 1.0, true)]
    [InlineData(2, 0.7, true)]
    [InlineData(4, 1.0, true)]
    [InlineData(4, 1.0, false)]
    public void SamplesEqualTheHeadsOwnSampler(int steps, double temperature, bool kernels)
    {
        SpeakHead head;
        lock (TinySpeechModel.GlobalRandom)
        {
            torch.manual_seed(21);
            head = new SpeakHead(latentDim: 6, conditionDim: 24, width: 40, depth: 3);
        }
        using var disposeHead = head;
        using (torch.no_grad())
            foreach (var p in head.parameters())
                p.add_(torch.randn(p.shape, generator: new Generator(22)) * 0.1);
        var sampler = new SpeakHeadSampler(head, kernels: kernels);
        Assert.Equal(kernels, sampler.UsesKernels);
        using var condition = torch.randn(1, 24, generator: new Generator(23));

        using var expected = head.Sample(condition, steps, temperature, new Generator(24));
        using var actual = sampler.Sample(condition, steps, temperature, new Generator(24));
        Assert.Equal(expected.shape, actual.shape);
        double difference = (expected - actual).abs().max().item<float>();
        Assert.True(difference < 1e-5, $"max difference {difference}");

        // The head really moved the noise (a zero-velocity head would pass trivially).
        using var noise = RectifiedFlowPath.SampleSource([1, 6], temperature, ScalarType.Float32, torch.CPU, new Generator(24));
        Assert.True((actual - noise).abs().max().item<float>() > 1e-2);
    }
}
