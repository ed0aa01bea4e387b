// Parity with the Hugging Face reference numbers of the tiny-llama fixture (computed in float64
// from the stored bf16 weights; we compute in float32 from the same weights).
using Michi.Model.Backbone;
using Michi.Tests.Fixtures;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Michi.Model.Tests.Backbone;

public class LlamaParityTests(ITestOutputHelper output)
{
    internal static readonly Lazy<HfModelDirectory> Fp32 = new(() => HfModelDirectory.Load(TinyLlamaFixture.Directory, ScalarType.Float32));

    public static TheoryData<int> CaseIndexes()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < TinyLlamaFixture.ModelCases.Count; i++) data.Add(i);
        return data;
    }

    private static Tensor Ids(int[] ids) => torch.tensor(ids.Select(i => (long)i).ToArray(), [1, ids.Length]);

    [Theory]
    [MemberData(nameof(CaseIndexes))]
    public void LastLogitsMatchReference(int index)
    {
        var c = TinyLlamaFixture.ModelCases[index];
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var logits = Fp32.Value.Model.Forward(Ids(c.Ids), lastPositionOnly: true);   // (1, 1, V)
        float[] last = logits[0, 0].data<float>().ToArray();
        Assert.Equal(c.LastLogits.Length, last.Length);
        double maxDiff = last.Zip(c.LastLogits, (a, b) => Math.Abs(a - b)).Max();
        output.WriteLine($"max |Δlogit| {maxDiff:E2}");
        Assert.True(maxDiff < 1e-4, $"max |Δlogit| {maxDiff:E2}");
    }

    [Theory]
    [MemberData(nameof(CaseIndexes))]
    public void FirstPositionTop5MatchesReference(int index)
    {
        var c = TinyLlamaFixture.ModelCases[index];
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var logits = Fp32.Value.Model.Forward(Ids(c.Ids));                         // (1, T, V)
        Assert.Equal(c.Ids.Length, logits.shape[1]);
        var (_, top) = logits[0, 0].topk(5);
        Assert.Equal(c.FirstLogitsTop5, top.data<long>().Select(i => (int)i).ToArray());
    }

    [Theory]
    [MemberData(nameof(CaseIndexes))]
    public void GreedyWithCacheMatchesReference(int index)
    {
        var c = TinyLlamaFixture.ModelCases[index];
        var model = Fp32.Value.Model;
        using var cache = model.NewCache(c.Ids.Length + c.Greedy12.Length);
        using var _ = torch.no_grad();
        var generated = new List<int>();
        int[] input = c.Ids;
        while (generated.Count < c.Greedy12.Length)
        {
            using var scope = torch.NewDisposeScope();
            var logits = model.Forward(Ids(input), cache, lastPositionOnly: true);
            int next = (int)logits[0, 0].argmax().item<long>();
            generated.Add(next);
            input = [next];
        }
        Assert.Equal(c.Greedy12, generated);
        Assert.Equal(c.Ids.Length + c.Greedy12.Length - 1, cache.Position);
    }

    [Fact]
    public void IncrementalDecodingEqualsFullRecompute()
    {
        var model = Fp32.Value.Model;
        int[] ids = TinyLlamaFixture.ModelCases.MaxBy(c => c.Ids.Length)!.Ids;
        using var _ = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var full = model.Forward(Ids(ids));                                          // (1, T, V)

        // Prefill 5, then a chunk of 7 (a mask with an offset), then one position at a time.
        using var cache = model.NewCache(ids.Length);
        var pieces = new List<Tensor> { model.Forward(Ids(ids[..5]), cache), model.Forward(Ids(ids[5..12]), cache) };
        for (int t = 12; t < ids.Length; t++) pieces.Add(model.Forward(Ids([ids[t]]), cache));
        var incremental = torch.cat(pieces, 1);
        Assert.Equal(ids.Length, cache.Position);
        double maxDiff = (full - incremental).abs().max().item<float>();
        output.WriteLine($"incremental vs full: max |Δlogit| {maxDiff:E2}");
        Assert.True(maxDiff < 2e-5, $"max |Δlogit| {maxDiff:E2}");

        cache.Reset();
        var again = model.Forward(Ids(ids), cache);
        Assert.Equal(0.0, (full - again).abs().max().item<float>(), 6);
    }

    [Fact]
    public void EmbeddingEntryPointEqualsIdEntryPoint()
    {
        var model = Fp32.Value.Model;
        int[] ids = TinyLlamaFixture.ModelCases[0].Ids;
        using var _ = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var viaIds = model.Forward(Ids(ids));
        var viaEmbeddings = model.Logits(model.Hidden(model.Embed(Ids(ids))));
        Assert.Equal(0.0, (viaIds - viaEmbeddings).abs().max().item<float>(), 6);
    }

    [Fact]
    public void Bf16ComputeStaysCloseToFp32()
    {
        using var bf16 = HfModelDirectory.Load(TinyLlamaFixture.Directory, ScalarType.BFloat16);
        Assert.Equal(ScalarType.BFloat16, bf16.Model.parameters().First().dtype);
        var c = TinyLlamaFixture.ModelCases[0];
        using var _ = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var logits = bf16.Model.Forward(Ids(c.Ids), lastPositionOnly: true);
        Assert.Equal(ScalarType.Float32, logits.dtype);
        float[] last = logits[0, 0].data<float>().ToArray();
        double maxDiff = last.Zip(c.LastLogits, (a, b) => Math.Abs(a - b)).Max();
        double scale = c.LastLogits.Max(Math.Abs);
        output.WriteLine($"bf16: max |Δlogit| {maxDiff:E2}, logit scale {scale:F3}");
        Assert.True(maxDiff < 0.05 * scale, $"bf16 max |Δlogit| {maxDiff} vs logit scale {scale}");
    }
}
