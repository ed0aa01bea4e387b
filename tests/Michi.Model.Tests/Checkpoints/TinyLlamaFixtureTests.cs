// Reads the real Hugging Face checkpoint in Fixtures/tiny-llama (bf16, written by the Python
// safetensors library). The expected names and shapes are derived from its config.json with
// the Llama layout of transformers' modeling_llama.py, and tensor bytes are compared with the
// file's raw bytes located by an independent parse of the header.
using System.Buffers.Binary;
using System.Text.Json;
using Michi.Model.Checkpoints;

namespace Michi.Model.Tests.Checkpoints;

public sealed class TinyLlamaFixtureTests
{
    private static readonly string FixtureDir = Path.Combine(AppContext.BaseDirectory, "Fixtures", "tiny-llama");
    private static readonly string ModelPath = Path.Combine(FixtureDir, "model.safetensors");

    private static Dictionary<string, long[]> ExpectedShapes()
    {
        using var config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(FixtureDir, "config.json")));
        long Get(string name) => config.RootElement.GetProperty(name).GetInt64();
        long hidden = Get("hidden_size"), inter = Get("intermediate_size"), vocab = Get("vocab_size");
        long heads = Get("num_attention_heads"), kvHeads = Get("num_key_value_heads");
        long headDim = hidden / heads;
        Assert.True(config.RootElement.GetProperty("tie_word_embeddings").GetBoolean()); // so no lm_head.weight

        var shapes = new Dictionary<string, long[]>
        {
            ["model.embed_tokens.weight"] = [vocab, hidden],
            ["model.norm.weight"] = [hidden],
        };
        for (long i = 0; i < Get("num_hidden_layers"); i++)
        {
            string p = $"model.layers.{i}.";
            shapes[p + "input_layernorm.weight"] = [hidden];
            shapes[p + "post_attention_layernorm.weight"] = [hidden];
            shapes[p + "self_attn.q_proj.weight"] = [heads * headDim, hidden];
            shapes[p + "self_attn.k_proj.weight"] = [kvHeads * headDim, hidden];
            shapes[p + "self_attn.v_proj.weight"] = [kvHeads * headDim, hidden];
            shapes[p + "self_attn.o_proj.weight"] = [hidden, heads * headDim];
            shapes[p + "mlp.gate_proj.weight"] = [inter, hidden];
            shapes[p + "mlp.up_proj.weight"] = [inter, hidden];
            shapes[p + "mlp.down_proj.weight"] = [hidden, inter];
        }
        return shapes;
    }

    [Fact]
    public void ListsTheLlamaTensorsWithTheirShapes()
    {
        var expected = ExpectedShapes();
        using var file = SafetensorsFile.Open(ModelPath);

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), file.Entries.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, shape) in expected)
        {
            Assert.Equal(shape, file.Entries[name].Shape);
            Assert.Equal(SafetensorsDType.BF16, file.Entries[name].DType);
        }
        Assert.Equal("pt", file.Metadata["format"]);
    }

    [Fact]
    public void TensorBytesAreTheFileBytes()
    {
        byte[] raw = File.ReadAllBytes(ModelPath);
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(raw);
        using var header = JsonDocument.Parse(raw.AsMemory(8, headerLength));
        using var file = SafetensorsFile.Open(ModelPath);

        foreach (string name in file.Entries.Keys)
        {
            var offsets = header.RootElement.GetProperty(name).GetProperty("data_offsets");
            int begin = offsets[0].GetInt32(), end = offsets[1].GetInt32();
            using var tensor = file.ReadTensor(name);
            Assert.Equal(TorchSharp.torch.ScalarType.BFloat16, tensor.dtype);
            Assert.True(raw.AsSpan(8 + headerLength + begin, end - begin).SequenceEqual(tensor.bytes), name);
        }
    }

    [Fact]
    public void DirectoryOpensAsACheckpoint()
    {
        using var checkpoint = Checkpoint.Open(FixtureDir);

        Assert.Equal(ExpectedShapes().Keys.Order(StringComparer.Ordinal), checkpoint.Names);
        using var norm = checkpoint.Read("model.norm.weight", TorchSharp.torch.ScalarType.Float32);
        Assert.True(norm.isfinite().all().item<bool>());
        Assert.True(norm.abs().sum().item<float>() > 0); // real weights, not zeros
    }
}
