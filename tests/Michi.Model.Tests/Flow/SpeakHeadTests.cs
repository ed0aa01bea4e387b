// The speak head: shapes, MAR's zero start, seeded sampling, and a tiny head that learns a
// conditional 2-D distribution (loss falls, samples land on each condition's mean).
using Michi.Model.Flow;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Tests.Flow;

public sealed class SpeakHeadTests
{
    [Fact]
    public void ShapesAndZeroInitialVelocity()
    {
        using var head = new SpeakHead(latentDim: 3, conditionDim: 5, width: 16, depth: 2);
        using var x = torch.randn(7, 3);
        using var tau = torch.rand(7);
        using var c = torch.randn(7, 5);
        using var v = head.Forward(x, tau, c);
        Assert.Equal(new long[] { 7, 3 }, v.shape);
        Assert.Equal(0f, v.abs().max().item<float>());     // zero-initialised output layer
        Assert.Throws<ArgumentException>(() => head.Forward(torch.randn(7, 4), tau, c));
        Assert.Throws<ArgumentException>(() => head.Forward(x, tau, torch.randn(6, 5)));
        var names = head.state_dict().Keys.ToHashSet();
        Assert.Contains("res_blocks.1.adaLN_modulation.1.weight", names);
        Assert.Contains("time_embed.mlp.2.bias", names);
        Assert.Contains("final_layer.linear.weight", names);
    }

    [Fact]
    public void SamplingIsSeededAndTemperatureScalesTheNoise()
    {
        using var head = new SpeakHead(latentDim: 2, conditionDim: 3, width: 8, depth: 1);
        using var c = torch.randn(4, 3);
        using var a = head.Sample(c, steps: 3, temperature: 0.7, rng: new Generator(11));
        using var b = head.Sample(c, steps: 3, temperature: 0.7, rng: new Generator(11));
        Assert.Equal(ScalarType.Float32, a.dtype);
        Assert.True(a.eq(b).all().item<bool>());
        // An untrained head has velocity 0: the sample is the scaled noise itself.
        using var noise = RectifiedFlowPath.SampleSource([4, 2], 0.7, ScalarType.Float32, torch.CPU, new Generator(11));
        Assert.True(a.allclose(noise));
    }

    [Fact]
    public void TinyHeadLearnsAConditionalDistribution()
    {
        torch.manual_seed(0);
        var rng = new Generator(123);
        using var head = new SpeakHead(latentDim: 2, conditionDim: 2, width: 32, depth: 2);
        using var means = torch.tensor(new float[] { 2.0f, -1.0f, -1.5f, 2.0f }).view(2, 2);   // class → mean
        using var optimizer = torch.optim.Adam(head.parameters(), lr: 5e-3);
        var losses = new List<float>();
        for (int step = 0; step < 250; step++)
        {
            using var scope = torch.NewDisposeScope();
            var cls = torch.randint(0, 2, [64], generator: rng);                         // (N)
            var cond = nn.functional.one_hot(cls, 2).to(ScalarType.Float32);              // (N, 2)
            var x1 = means.index_select(0, cls) + torch.randn(64, 2, generator: rng) * 0.1f;
            var loss = FlowMatchingLoss.Compute(head, x1, cond, rng, samplesPerTarget: 2);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            losses.Add(loss.item<float>());
        }
        float first = losses.Take(20).Average(), last = losses.TakeLast(20).Average();
        Assert.True(last < 0.5f * first, $"loss {first} → {last}");

        head.eval();
        for (int k = 0; k < 2; k++)
        {
            using var cond = nn.functional.one_hot(torch.full([256], k, dtype: ScalarType.Int64), 2).to(ScalarType.Float32);
            using var samples = head.Sample(cond, steps: 4, temperature: 1.0, rng: new Generator(9));
            using var mean = samples.mean([0]);
            using var error = (mean - means[k]).abs().max();
            Assert.True(error.item<float>() < 0.25f, $"class {k}: sampled mean ({mean[0].item<float>()}, {mean[1].item<float>()}) vs ({means[k, 0].item<float>()}, {means[k, 1].item<float>()})");
        }
    }
}
