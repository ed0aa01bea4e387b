using Michi.Model.Backbone;
using Michi.Tests.Fixtures;

namespace Michi.Model.Tests.Backbone;

public class LlamaConfigTests
{
    private static InvalidInputException LoadBroken(string json)
    {
        using var dir = new ScratchDirectory();
        File.WriteAllText(dir.File("config.json"), json);
        return Assert.Throws<InvalidInputException>(() => LlamaConfig.Load(dir.Path));
    }

    private const string Valid = """
        {"architectures": ["LlamaForCausalLM"], "hidden_size": 64, "intermediate_size": 160, "num_hidden_layers": 2,
         "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 100, "eos_token_id": [1, 2]}
        """;

    [Fact]
    public void ReadsFixtureConfig()
    {
        var c = LlamaConfig.Load(TinyLlamaFixture.Directory);
        Assert.Equal(64, c.HiddenSize);
        Assert.Equal(2, c.NumKeyValueHeads);
        Assert.Equal(16, c.HeadDim);
        Assert.Equal(1e-5, c.RmsNormEps);
        Assert.Equal(100000.0, c.RopeTheta);
        Assert.Null(c.RopeScaling);
        Assert.True(c.TieWordEmbeddings);
        Assert.Equal([0], c.EosTokenIds);
    }

    [Fact]
    public void DefaultsFollowTransformers()
    {
        using var dir = new ScratchDirectory();
        File.WriteAllText(dir.File("config.json"), Valid);
        var c = LlamaConfig.Load(dir.File("config.json"));
        Assert.Equal([1, 2], c.EosTokenIds);
        Assert.Equal(16, c.HeadDim);
        Assert.Equal(10000.0, c.RopeTheta);
        Assert.Equal(1e-6, c.RmsNormEps);
        Assert.False(c.TieWordEmbeddings);
    }

    [Theory]
    [InlineData("\"architectures\": [\"LlamaForCausalLM\"]", "\"architectures\": [\"GPT2LMHeadModel\"]", "GPT2LMHeadModel")]
    [InlineData("\"hidden_size\": 64", "\"hidden_size\": 0", "hidden_size")]
    [InlineData("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3", "num_key_value_heads")]
    [InlineData("\"vocab_size\": 100", "\"vocab_size\": -5", "vocab_size")]
    [InlineData("\"hidden_size\": 64", "\"hidden_size\": \"64\"", "hidden_size")]
    [InlineData("\"eos_token_id\": [1, 2]", "\"eos_token_id\": [1, 200]", "eos_token_id")]
    [InlineData("\"eos_token_id\": [1, 2]", "\"eos_token_id\": \"x\"", "eos_token_id")]
    [InlineData("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 2, \"attention_bias\": true", "attention_bias")]
    [InlineData("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 2, \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4}", "yarn")]
    [InlineData("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 2, \"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8}", "rope_scaling")]
    public void RefusesBadFieldsNamingThem(string from, string to, string named)
    {
        var e = LoadBroken(Valid.Replace(from, to));
        Assert.Contains(named, e.Message);
        Assert.Contains("config.json", e.Message);
    }

    [Fact]
    public void RefusesInvalidJson() => Assert.Contains("invalid config JSON", LoadBroken("{\"hidden_size\": ").Message);

    [Fact]
    public void RefusesMissingFile()
    {
        using var dir = new ScratchDirectory();
        var e = Assert.Throws<InvalidInputException>(() => LlamaConfig.Load(dir.Path));
        Assert.Contains("not found", e.Message);
    }

    [Fact]
    public void Llama3ScalingStretchesOnlyLowFrequencies()
    {
        var scaling = new RopeScaling { RopeType = "llama3", Factor = 8, LowFreqFactor = 1, HighFreqFactor = 4, OriginalMaxPositionEmbeddings = 8192 };
        Assert.Null(scaling.Validate());
        double[] plain = Rotary.InverseFrequencies(128, 500000, null);
        double[] scaled = Rotary.InverseFrequencies(128, 500000, scaling);
        // High frequencies (wavelength < 8192/4) are untouched, the lowest are divided by 8,
        // and the middle band lies in between.
        Assert.Equal(plain[0], scaled[0]);
        Assert.Equal(plain[^1] / 8, scaled[^1], 12);
        for (int i = 0; i < plain.Length; i++)
        {
            Assert.InRange(scaled[i], plain[i] / 8 * (1 - 1e-12), plain[i] * (1 + 1e-12));
            if (i > 0) Assert.True(scaled[i] < scaled[i - 1]);
        }
        Assert.Contains(scaled.Select((s, i) => (s, i)), p => p.s < plain[p.i] && p.s > plain[p.i] / 8 * (1 + 1e-9));
    }
}
