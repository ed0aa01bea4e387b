// The SmolLM2 presets build exactly the state dict a real Hugging Face checkpoint of that size
// has. Models are built on the "meta" device: shapes without memory. The expected tables are
// written out by hand from the published config.json files (HuggingFaceTB/SmolLM2-135M and
// SmolLM2-360M), not derived from LlamaConfig, so a wrong preset or a wrong name fails here.
using Michi.Model.Backbone;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Tests.Backbone;

public class PresetShapeTests
{
    /// <summary>hidden, intermediate, layers, q rows (heads × 64), kv rows (kv heads × 64), vocab, parameters.</summary>
    public static TheoryData<string, int, int, int, int, int, int, long> Published() => new()
    {
        { "smollm2-135m", 576, 1536, 30, 576, 192, 49152, 134_515_008 },
        { "smollm2-360m", 960, 2560, 32, 960, 320, 49152, 361_821_120 },
    };

    [Theory]
    [MemberData(nameof(Published))]
    public void StateDictMatchesPublishedCheckpoint(string preset, int hidden, int intermediate, int layers, int qRows, int kvRows, int vocab, long parameters)
    {
        var config = LlamaConfig.Preset(preset)!;
        using var model = new LlamaForCausalLM(config, ScalarType.BFloat16, new Device("meta"));
        var actual = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);

        var expected = new Dictionary<string, long[]>
        {
            ["model.embed_tokens.weight"] = [vocab, hidden],
            ["model.norm.weight"] = [hidden],
        };
        for (int i = 0; i < layers; i++)
        {
            string p = $"model.layers.{i}.";
            expected[p + "self_attn.q_proj.weight"] = [qRows, hidden];
            expected[p + "self_attn.k_proj.weight"] = [kvRows, hidden];
            expected[p + "self_attn.v_proj.weight"] = [kvRows, hidden];
            expected[p + "self_attn.o_proj.weight"] = [hidden, qRows];
            expected[p + "mlp.gate_proj.weight"] = [intermediate, hidden];
            expected[p + "mlp.up_proj.weight"] = [intermediate, hidden];
            expected[p + "mlp.down_proj.weight"] = [hidden, intermediate];
            expected[p + "input_layernorm.weight"] = [hidden];
            expected[p + "post_attention_layernorm.weight"] = [hidden];
        }

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, shape) in expected) Assert.True(shape.SequenceEqual(actual[name]), $"{name}: [{string.Join(", ", actual[name])}]");
        Assert.Equal(9 * layers + 2, actual.Count);   // tied: no lm_head.weight
        Assert.Equal(parameters, model.ParameterCount);
        Assert.Equal("meta", model.parameters().First().device.type.ToString().ToLowerInvariant());
    }

    [Fact]
    public void UntiedHeadAddsLmHead()
    {
        var config = LlamaConfig.SmolLM2_135M with { TieWordEmbeddings = false };
        using var model = new LlamaForCausalLM(config, ScalarType.Float32, new Device("meta"));
        var state = model.state_dict();
        Assert.Equal([49152L, 576L], state["lm_head.weight"].shape);
        Assert.Equal(134_515_008L + 49152L * 576, model.ParameterCount);
    }

    [Fact]
    public void TinyPresetMatchesFixtureConfig()
    {
        var fixture = LlamaConfig.Load(Michi.Tests.Fixtures.TinyLlamaFixture.Directory);
        var tiny = LlamaConfig.Tiny;
        Assert.Equal((fixture.HiddenSize, fixture.IntermediateSize, fixture.NumHiddenLayers, fixture.NumAttentionHeads, fixture.NumKeyValueHeads, fixture.VocabSize, fixture.TieWordEmbeddings, fixture.RopeTheta),
            (tiny.HiddenSize, tiny.IntermediateSize, tiny.NumHiddenLayers, tiny.NumAttentionHeads, tiny.NumKeyValueHeads, tiny.VocabSize, tiny.TieWordEmbeddings, tiny.RopeTheta));
    }
}
