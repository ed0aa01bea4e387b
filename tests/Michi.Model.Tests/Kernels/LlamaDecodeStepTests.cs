// The fast decode step against the model's own forward: the same logits within 1e-4 (float32)
// step after step with a shared KvCache, on the tiny-llama fixture (tied head, GQA, its real
// weights) and on a random config (untied head, head_dim ≠ hidden/heads, llama3 rope scaling,
// non-trivial norm weights, a context long enough for the parallel attention path); the
// bfloat16 path stays close; bad caches and tokens are refused.
using Michi.Model.Backbone;
using Michi.Model.Kernels;
using Michi.Tests.Fixtures;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Michi.Model.Tests.Kernels;

public class LlamaDecodeStepTests(ITestOutputHelper output)
{
    static readonly Lazy<HfModelDirectory> Fixture = new(() => HfModelDirectory.Load(TinyLlamaFixture.Directory, ScalarType.Float32));

    static readonly LlamaConfig RandomConfig = new()
    {
        HiddenSize = 96, IntermediateSize = 200, NumHiddenLayers = 3, NumAttentionHeads = 8, KeyValueHeadsSetting = 2,
        HeadDimSetting = 32, RmsNormEps = 1e-5, RopeTheta = 50000, MaxPositionEmbeddings = 512, TieWordEmbeddings = false,
        VocabSize = 301, BosTokenId = 0, EosTokenIds = [0],
        RopeScaling = new RopeScaling { RopeType = "llama3", Factor = 8, LowFreqFactor = 1, HighFreqFactor = 4, OriginalMaxPositionEmbeddings = 64 },
    };

    static Tensor Ids(params int[] ids) => torch.tensor(ids.Select(i => (long)i).ToArray(), [1, ids.Length]);

    [Fact]
    public void FixtureDecodeMatchesModelForward()
    {
        var model = Fixture.Value.Model;
        var step = new LlamaDecodeStep(model);
        int[] prompt = TinyLlamaFixture.ModelCases[0].Ids;
        using var _ = torch.no_grad();
        using var viaModel = model.NewCache(prompt.Length + 16);
        using var viaStep = model.NewCache(prompt.Length + 16);
        using (var scope = torch.NewDisposeScope())
        {
            model.Forward(Ids(prompt), viaModel, lastPositionOnly: true);
            model.Forward(Ids(prompt), viaStep, lastPositionOnly: true);          // prefill by the model, decode by the step
        }
        int next = prompt[^1];
        var logits = new float[model.Config.VocabSize];
        double worst = 0;
        for (int i = 0; i < 16; i++)
        {
            using var scope = torch.NewDisposeScope();
            float[] expected = model.Forward(Ids(next), viaModel, lastPositionOnly: true)[0, 0].data<float>().ToArray();
            step.Forward(next, viaStep, logits);
            worst = Math.Max(worst, MaxDifference(expected, logits));
            Assert.Equal(viaModel.Position, viaStep.Position);
            next = Array.IndexOf(expected, expected.Max());
        }
        output.WriteLine($"fixture: max |Δlogit| over 16 steps {worst:E2}");
        Assert.True(worst < 1e-4, $"max |Δlogit| {worst:E2}");
        AssertCachesClose(viaModel, viaStep, 1e-5);
    }

    [Fact]
    public void RandomConfigDecodeFromScratchMatchesFullForward()
    {
        using var model = RandomModel(ScalarType.Float32, seed: 11);
        var step = new LlamaDecodeStep(model);
        int length = 300;                                   // 300 · 32 · 8 elements: heads run in parallel
        var random = new Random(5);
        int[] ids = Enumerable.Range(0, length).Select(_ => random.Next(RandomConfig.VocabSize)).ToArray();
        using var _ = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var full = model.Forward(Ids(ids));                 // (1, T, V), no cache
        using var cache = model.NewCache(length);
        var logits = new float[RandomConfig.VocabSize];
        double worst = 0;
        for (int t = 0; t < length; t++)
        {
            step.Forward(ids[t], cache, logits);
            if (t % 23 == 0 || t >= length - 3)
                worst = Math.Max(worst, MaxDifference(full[0, t].data<float>().ToArray(), logits));
        }
        output.WriteLine($"random config: max |Δlogit| {worst:E2}");
        Assert.True(worst < 1e-4, $"max |Δlogit| {worst:E2}");
        Assert.Throws<InvalidOperationException>(() => step.Forward(ids[0], cache, logits));   // full
    }

    [Fact]
    public void EmbeddingEntryPointEqualsModelHidden()
    {
        using var model = RandomModel(ScalarType.Float32, seed: 12);
        var step = new LlamaDecodeStep(model);
        using var _ = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        // A sum of two embeddings, as the speech model feeds: not any token's row.
        var embedding = model.Embed(Ids(3)) + model.Embed(Ids(17));                       // (1, 1, C)
        using var cache = model.NewCache(4);
        using var cache2 = model.NewCache(4);
        float[] expected = model.Hidden(embedding, cache)[0, 0].data<float>().ToArray();
        var hidden = new float[RandomConfig.HiddenSize];
        step.Hidden(embedding[0, 0].data<float>().ToArray(), cache2, hidden);
        Assert.True(MaxDifference(expected, hidden) < 1e-5);
    }

    [Fact]
    public void BFloat16StepStaysCloseToFloat32()
    {
        using var fp32 = RandomModel(ScalarType.Float32, seed: 13);
        using var bf16 = new LlamaForCausalLM(RandomConfig, ScalarType.BFloat16);
        using var _ = torch.no_grad();
        var source = fp32.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in bf16.named_parameters()) p.copy_(source[name]);
        foreach (var (name, p) in fp32.named_parameters()) p.copy_(bf16.named_parameters().First(q => q.name == name).parameter);   // same rounded weights
        var step = new LlamaDecodeStep(bf16);
        using var exactCache = fp32.NewCache(40);
        using var cache = bf16.NewCache(40);
        Assert.Equal(ScalarType.BFloat16, cache.DType);
        var logits = new float[RandomConfig.VocabSize];
        double worst = 0, scale = 0;
        for (int t = 0; t < 40; t++)
        {
            using var scope = torch.NewDisposeScope();
            int id = (t * 37 + 5) % RandomConfig.VocabSize;
            float[] expected = fp32.Forward(Ids(id), exactCache)[0, 0].data<float>().ToArray();
            step.Forward(id, cache, logits);
            worst = Math.Max(worst, MaxDifference(expected, logits));
            scale = Math.Max(scale, expected.Max(Math.Abs));
        }
        output.WriteLine($"bf16 step vs fp32 model: max |Δlogit| {worst:E2}, logit scale {scale:F2}");
        Assert.True(worst < 0.005 * scale, $"max |Δlogit| {worst} vs scale {scale}");
    }

    [Fact]
    public void RefusesWhatItCannotRun()
    {
        using var model = RandomModel(ScalarType.Float32, seed: 14);
        var step = new LlamaDecodeStep(model);
        var logits = new float[RandomConfig.VocabSize];
        using var batch2 = model.NewCache(8, batchSize: 2);
        Assert.Throws<ArgumentException>(() => step.Forward(1, batch2, logits));
        using var cache = model.NewCache(8);
        Assert.Throws<ArgumentOutOfRangeException>(() => step.Forward(RandomConfig.VocabSize, cache, logits));
        Assert.Throws<ArgumentException>(() => step.Forward(1, cache, new float[7]));
        Assert.Equal(0, cache.Position);
        using var other = new LlamaForCausalLM(RandomConfig with { NumHiddenLayers = 2 });
        using var otherCache = other.NewCache(8);
        Assert.Throws<ArgumentException>(() => step.Forward(1, otherCache, logits));
        using var half = new LlamaForCausalLM(LlamaConfig.Tiny, ScalarType.Float16);
        Assert.Throws<NotSupportedException>(() => new LlamaDecodeStep(half));
    }

    /// <summary>A model of RandomConfig with seeded random weights, norm weights included.</summary>
    static LlamaForCausalLM RandomModel(ScalarType dtype, int seed)
    {
        torch.manual_seed(seed);
        var model = new LlamaForCausalLM(RandomConfig, dtype);
        using var _ = torch.no_grad();
        foreach (var (name, p) in model.named_parameters())
            if (name.EndsWith("norm.weight", StringComparison.Ordinal)) p.uniform_(0.5, 1.5);
        return model;
    }

    static double MaxDifference(float[] a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        double max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - b[i]));
        return max;
    }

    static void AssertCachesClose(KvCache a, KvCache b, double tolerance)
    {
        for (int layer = 0; layer < a.Layers; layer++)
        {
            using var scope = torch.NewDisposeScope();
            var (ka, va) = a.Layer(layer);
            var (kb, vb) = b.Layer(layer);
            double dk = (ka.narrow(2, 0, a.Position) - kb.narrow(2, 0, b.Position)).abs().max().item<float>();
            double dv = (va.narrow(2, 0, a.Position) - vb.narrow(2, 0, b.Position)).abs().max().item<float>();
            Assert.True(dk < tolerance && dv < tolerance, $"layer {layer}: keys Δ {dk:E2}, values Δ {dv:E2}");
        }
    }
}
