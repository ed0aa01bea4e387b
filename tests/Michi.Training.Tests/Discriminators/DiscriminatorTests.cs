using Michi.Training.Discriminators;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Training.Tests.Discriminators;

public class DiscriminatorTests
{
    [Fact]
    public void PeriodDiscriminatorFoldsByItsPeriod()
    {
        torch.manual_seed(1);
        using var d = new PeriodDiscriminator(3, [4, 8]);
        using var x = torch.randn(2, 1000);                 // 1000 → padded to 1002 → 3 phases of 334 per item
        var output = d.call(x);
        // H: 334 → ⌊(334 + 4 − 5) / 3⌋ + 1 = 112 → 38 → 38 (unstrided) → 38 (post).
        Assert.Equal(new long[] { 6, 4, 112 }, output.Features[0].shape);
        Assert.Equal(new long[] { 6, 8, 38 }, output.Features[1].shape);
        Assert.Equal(new long[] { 6, 8, 38 }, output.Features[2].shape);
        Assert.Equal(new long[] { 6, 1, 38 }, output.Features[3].shape);
        Assert.Equal(new long[] { 2, 38 * 3 }, output.Logits.shape);
    }

    [Fact]
    public void PeriodColumnsSeeOnlyTheirOwnPhase()
    {
        // Folding by p means phase j only ever sees samples j, j + p, …: changing one sample
        // changes one phase (row j of the folded batch) and leaves the others alone.
        torch.manual_seed(2);
        using var d = new PeriodDiscriminator(5, [4]);
        using var x = torch.randn(1, 500);
        using var y = x.clone();
        using (torch.no_grad()) y[0, 252] = torch.tensor(3.0f);   // 252 % 5 == 2
        using var _ = torch.no_grad();
        var a = d.call(x).Features[0];
        var b = d.call(y).Features[0];
        using var changed = (a - b).abs().sum([1, 2]);             // (5,) per phase
        float[] perColumn = changed.data<float>().ToArray();
        for (int j = 0; j < 5; j++)
            if (j == 2) Assert.True(perColumn[j] > 0);
            else Assert.Equal(0f, perColumn[j]);
    }

    [Fact]
    public void ResolutionDiscriminatorHalvesTimeThreeTimes()
    {
        torch.manual_seed(3);
        using var d = new ResolutionDiscriminator(new StftResolution(256, 64, 256), 4);
        using var x = torch.randn(2, 6400);                 // 101 frames × 129 bins
        var output = d.call(x);
        Assert.Equal(6, output.Features.Count);
        Assert.Equal(new long[] { 2, 4, 129, 101 }, output.Features[0].shape);
        Assert.Equal(new long[] { 2, 4, 129, 51 }, output.Features[1].shape);
        Assert.Equal(new long[] { 2, 4, 129, 13 }, output.Features[3].shape);
        Assert.Equal(new long[] { 2, 129 * 13 }, output.Logits.shape);
    }

    [Fact]
    public void FrequencyStrideHalvesTheBins()
    {
        torch.manual_seed(3);
        using var d = new ResolutionDiscriminator(new StftResolution(256, 64, 256), 4, frequencyStride: 2);
        using var x = torch.randn(1, 6400);
        var output = d.call(x);
        Assert.Equal(new long[] { 1, 4, 129, 101 }, output.Features[0].shape);
        Assert.Equal(new long[] { 1, 4, 65, 51 }, output.Features[1].shape);
        Assert.Equal(new long[] { 1, 4, 17, 13 }, output.Features[3].shape);
    }

    [Fact]
    public void CombinedDiscriminatorReturnsOneOutputPerSubDiscriminatorAndTrains()
    {
        torch.manual_seed(4);
        using var d = new CodecDiscriminator(DiscriminatorConfig.Tiny);
        Assert.Equal(3, d.Count);
        using var x = torch.randn(2, 4000, requires_grad: true);
        var outputs = d.call(x);
        Assert.Equal(3, outputs.Count);
        Assert.All(outputs, o => Assert.Equal(2, o.Logits.shape[0]));
        using var total = outputs.Select(o => o.Logits.square().mean()).Aggregate((a, b) => a + b);
        total.backward();
        Assert.True(x.grad!.abs().sum().item<float>() > 0);
        Assert.All(d.parameters(), p => Assert.NotNull(p.grad));
    }

    [Fact]
    public void StateDictHoldsOnlyWeightNormedConvolutions()
    {
        using var d = new CodecDiscriminator(DiscriminatorConfig.Tiny);
        var names = d.state_dict().Keys.ToList();
        Assert.Contains("mpd.0.convs.0.weight_g", names);
        Assert.Contains("mpd.1.conv_post.weight_v", names);
        Assert.Contains("mrd.0.convs.4.bias", names);
        Assert.All(names, n => Assert.Matches(@"^(mpd|mrd)\.\d+\.(convs\.\d+|conv_post)\.(weight_g|weight_v|bias)$", n));
    }

    [Fact]
    public void LightPresetIsMuchSmallerThanPaper()
    {
        long Count(DiscriminatorConfig c)
        {
            using var d = new CodecDiscriminator(c);
            return d.parameters().Sum(p => p.numel());
        }
        long paper = Count(DiscriminatorConfig.Paper), light = Count(DiscriminatorConfig.Light);
        Assert.True(paper > 40_000_000, $"paper {paper}");   // HiFi-GAN's MPD alone is ≈ 41M
        Assert.True(light * 20 < paper, $"light {light}, paper {paper}");
    }

    [Fact]
    public void InvalidConfigsAreRefused()
    {
        Assert.NotNull((DiscriminatorConfig.Tiny with { Periods = [], Resolutions = [] }).Validate());
        Assert.NotNull((DiscriminatorConfig.Tiny with { Resolutions = [new(256, 64, 512)] }).Validate());
        Assert.Throws<ArgumentException>(() => new CodecDiscriminator(DiscriminatorConfig.Tiny with { Periods = [0] }));
        using var d = new CodecDiscriminator(DiscriminatorConfig.Tiny);
        using var bad = torch.zeros(2, 1, 100);
        Assert.Throws<ArgumentException>(() => d.call(bad));
    }

    [Fact]
    public void SingleChannelConv2dAsRowsMatchesConv2d()
    {
        // With an input gradient a 1-channel, stride-1 WnConv2d runs as a Conv1d over shifted rows:
        // output and every gradient must match Conv2d with the same composed weight.
        torch.manual_seed(5);
        using var conv = new WnConv2d(1, 4, (3, 9), (1, 1), (1, 4));
        var parameters = conv.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var x = torch.randn(2, 1, 17, 11).requires_grad_(true);
        using var upstream = torch.randn(2, 4, 17, 11);
        using var rows = conv.call(x);
        var inputs = new[] { x, parameters["weight_g"], parameters["weight_v"], parameters["bias"] };
        var fast = torch.autograd.grad([(rows * upstream).sum()], inputs);
        using var weight = Michi.Model.Nn.WeightNorm.Compose(parameters["weight_g"], parameters["weight_v"]);
        using var reference = torch.nn.functional.conv2d(x, weight, parameters["bias"], padding: [1, 4]);
        var expected = torch.autograd.grad([(reference * upstream).sum()], inputs);
        Assert.Equal(reference.shape, rows.shape);
        Assert.True((rows - reference).abs().max().item<float>() < 1e-5f);
        for (int i = 0; i < inputs.Length; i++)
        {
            float scale = expected[i].abs().max().item<float>();
            Assert.True(scale > 0);
            Assert.True((fast[i] - expected[i]).abs().max().item<float>() < 1e-5f * Math.Max(1, scale), $"gradient {i}");
        }
        // Without an input gradient it is Conv2d itself.
        using var plain = conv.call(x.detach());
        Assert.True((plain - reference).abs().max().item<float>() < 1e-5f);
    }

    [Fact]
    public void JudgingGivenSpectraEqualsForward()
    {
        torch.manual_seed(6);
        using var d = new CodecDiscriminator(DiscriminatorConfig.Tiny);
        using var x = torch.randn(2, 3000);
        var spectra = d.Spectra(x);
        Assert.Equal(DiscriminatorConfig.Tiny.Resolutions.Count, spectra.Count);
        var a = d.call(x);
        var b = d.Judge(x, spectra);
        Assert.Equal(a.Count, b.Count);
        for (int k = 0; k < a.Count; k++)
        {
            Assert.Equal(0f, (a[k].Logits - b[k].Logits).abs().max().item<float>());
            for (int l = 0; l < a[k].Features.Count; l++)
                Assert.Equal(0f, (a[k].Features[l] - b[k].Features[l]).abs().max().item<float>());
        }
        Assert.Throws<ArgumentException>(() => d.Judge(x, []));
    }
}
