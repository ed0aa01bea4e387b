// Broken model directories are refused with a message that names the problem; a good one
// loads and summarises.
using System.Text.Json.Nodes;
using Michi.Model.Backbone;
using Michi.Model.Checkpoints;
using Michi.Tests.Fixtures;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Michi.Model.Tests.Backbone;

public class ModelDirectoryTests(ITestOutputHelper output)
{
    private InvalidInputException Refused(Action<string> breakIt, bool inspect = false)
    {
        using var dir = new ScratchDirectory();
        TinyLlamaFixture.CopyTo(dir.Path);
        breakIt(dir.Path);
        var e = Assert.Throws<InvalidInputException>(() =>
        {
            if (inspect) HfModelDirectory.Inspect(dir.Path);
            else HfModelDirectory.Load(dir.Path).Dispose();
        });
        output.WriteLine(e.Message);
        return e;
    }

    private static void EditConfig(string dir, Action<JsonObject> edit)
    {
        string path = Path.Combine(dir, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    /// <summary>Rewrites model.safetensors after changing its tensor set.</summary>
    private static void EditWeights(string dir, Action<Dictionary<string, Tensor>> edit)
    {
        string path = Path.Combine(dir, "model.safetensors");
        Dictionary<string, Tensor> tensors;
        using (var reader = Checkpoint.Open(path)) tensors = reader.ReadAll();
        edit(tensors);
        SafetensorsWriter.Write(path, tensors);
        foreach (var t in tensors.Values) t.Dispose();
    }

    [Fact]
    public void LoadsAndSummarisesTheFixture()
    {
        using var loaded = HfModelDirectory.Load(TinyLlamaFixture.Directory);
        var s = loaded.Summary;
        Assert.Equal("LlamaForCausalLM", s.Architecture);
        Assert.Equal(["BF16"], s.CheckpointDTypes);
        Assert.Equal(2 * 9 + 2, s.TensorCount);
        Assert.Equal(loaded.Model.parameters().Sum(p => p.numel()), s.ParameterCount);
        Assert.True(s.ChatTemplate);
        Assert.Equal([0], loaded.StopTokenIds);
        Assert.Contains(s.Lines(), l => l.StartsWith("parameters: "));

        var inspected = HfModelDirectory.Inspect(TinyLlamaFixture.Directory);
        Assert.Equal(s, inspected with { CheckpointDTypes = s.CheckpointDTypes });
    }

    [Fact]
    public void MissingConfig() =>
        Assert.Contains("config.json: file not found", Refused(d => File.Delete(Path.Combine(d, "config.json"))).Message);

    [Fact]
    public void BadConfigJson() =>
        Assert.Contains("invalid config JSON", Refused(d => File.WriteAllText(Path.Combine(d, "config.json"), "{ not json")).Message);

    [Fact]
    public void UnknownArchitecture() =>
        Assert.Contains("MambaForCausalLM", Refused(d => EditConfig(d, c => c["architectures"] = new JsonArray("MambaForCausalLM"))).Message);

    [Fact]
    public void MissingTokenizer() =>
        Assert.Contains("tokenizer.json", Refused(d => File.Delete(Path.Combine(d, "tokenizer.json"))).Message);

    [Fact]
    public void MissingWeights() =>
        Assert.Contains("model.safetensors", Refused(d => File.Delete(Path.Combine(d, "model.safetensors"))).Message);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MissingTensor(bool inspect)
    {
        var e = Refused(d => EditWeights(d, t => { t["model.norm.weight"].Dispose(); t.Remove("model.norm.weight"); }), inspect);
        Assert.Contains("missing", e.Message);
        Assert.Contains("model.norm.weight", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ExtraTensor(bool inspect)
    {
        var e = Refused(d => EditWeights(d, t => t["model.layers.0.mlp.extra.weight"] = torch.zeros(3)), inspect);
        Assert.Contains("unexpected", e.Message);
        Assert.Contains("model.layers.0.mlp.extra.weight", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WrongShape(bool inspect)
    {
        var e = Refused(d => EditConfig(d, c => c["intermediate_size"] = 128), inspect);
        Assert.Contains("wrong shape", e.Message);
        Assert.Contains("model.layers.0.mlp.gate_proj.weight", e.Message);
    }

    [Fact]
    public void MoreLayersThanTheCheckpointHas()
    {
        var e = Refused(d => EditConfig(d, c => c["num_hidden_layers"] = 3));
        Assert.Contains("missing", e.Message);
        Assert.Contains("model.layers.2.", e.Message);
    }

    [Fact]
    public void UntiedConfigNeedsLmHead() =>
        Assert.Contains("lm_head.weight", Refused(d => EditConfig(d, c => c["tie_word_embeddings"] = false)).Message);

    [Fact]
    public void TiedCheckpointMayCarryTheHeadCopy()
    {
        using var dir = new ScratchDirectory();
        TinyLlamaFixture.CopyTo(dir.Path);
        EditWeights(dir.Path, t => t["lm_head.weight"] = t["model.embed_tokens.weight"].clone());
        using var loaded = HfModelDirectory.Load(dir.Path);
        Assert.Equal(LlamaParityTests.Fp32.Value.Summary.ParameterCount, loaded.Summary.ParameterCount);
    }

    [Fact]
    public void BadGenerationConfig()
    {
        var e = Refused(d => File.WriteAllText(Path.Combine(d, "generation_config.json"), "{\"top_p\": 1.5}"));
        Assert.Contains("generation_config.json", e.Message);
        Assert.Contains("top_p", e.Message);
    }
}
