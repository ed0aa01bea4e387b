// The benchmark's bookkeeping on the tiny config (timings themselves are not checked: they
// depend on the machine): what it counts as bytes per step, and that every figure is produced.
using Michi.Model.Backbone;
using Michi.Model.Kernels;
using TorchSharp;

namespace Michi.Model.Tests.Kernels;

public class BackboneBenchmarkTests
{
    [Fact]
    public void ReportsEveryFigureAndCountsTheWeightsAStepReads()
    {
        using var model = new LlamaForCausalLM(LlamaConfig.Tiny);
        var options = new BackboneBenchmarkOptions { PromptTokens = 8, PrefillRuns = 1, WarmupSteps = 1, DecodeSteps = 5, NaiveSteps = 2 };
        var r = BackboneBenchmark.Run(model, options);

        var c = LlamaConfig.Tiny;
        long perLayer = (long)c.HiddenSize * c.HeadDim * (c.NumAttentionHeads * 2 + c.NumKeyValueHeads * 2)   // q, o, k, v
                        + 3L * c.HiddenSize * c.IntermediateSize;                                          // gate, up, down
        long expectedBytes = 4 * (perLayer * c.NumHiddenLayers + (long)c.VocabSize * c.HiddenSize);         // + tied head
        Assert.Equal(expectedBytes, r.WeightBytesPerStep);
        Assert.Equal(model.ParameterCount, r.Parameters);
        Assert.All(new[] { r.PrefillMs, r.DecodeMs, r.DecodeMinMs, r.FloorMs, r.FloorMinMs, r.NaiveDecodeMs }, v => Assert.True(v > 0 && double.IsFinite(v)));
        Assert.True(r.DecodeMinMs <= r.DecodeMs && r.FloorMinMs <= r.FloorMs);
        Assert.Equal(r.DecodeMs / r.FloorMs, r.Ratio, 9);
    }

    [Fact]
    public void RefusesMorePositionsThanTheModelHas()
    {
        using var model = new LlamaForCausalLM(LlamaConfig.Tiny with { MaxPositionEmbeddings = 16 });
        Assert.Throws<ArgumentException>(() => BackboneBenchmark.Run(model, new BackboneBenchmarkOptions { PromptTokens = 8, DecodeSteps = 20 }));
    }
}
