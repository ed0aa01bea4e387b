// Sharded checkpoints (model.safetensors.index.json + shards), built in a temporary
// directory the way transformers' save_pretrained lays them out.
using System.Text.Json;
using Michi.Model.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Tests.Checkpoints;

public sealed class ShardedCheckpointTests : IDisposable
{
    private const string Shard1 = "model-00001-of-00002.safetensors";
    private const string Shard2 = "model-00002-of-00002.safetensors";

    private readonly TempDir _dir = new();
    private readonly Dictionary<string, Tensor> _first = new()
    {
        ["embed.weight"] = TestTensors.Random(SafetensorsDType.BF16, [5, 3], seed: 1),
        ["layer.0.weight"] = TestTensors.Random(SafetensorsDType.F32, [3, 3], seed: 2),
    };
    private readonly Dictionary<string, Tensor> _second = new()
    {
        ["layer.1.weight"] = TestTensors.Random(SafetensorsDType.F16, [3, 3], seed: 3),
        ["steps"] = TestTensors.Random(SafetensorsDType.I64, [1], seed: 4),
    };

    public void Dispose()
    {
        foreach (var t in _first.Values.Concat(_second.Values)) t.Dispose();
        _dir.Dispose();
    }

    /// <summary>Writes both shards and an index; <paramref name="editMap"/> may corrupt the map.</summary>
    private string WriteSharded(Action<Dictionary<string, string>>? editMap = null)
    {
        SafetensorsWriter.Write(_dir.File(Shard1), _first);
        SafetensorsWriter.Write(_dir.File(Shard2), _second);
        var map = _first.Keys.ToDictionary(k => k, _ => Shard1);
        foreach (string k in _second.Keys) map[k] = Shard2;
        editMap?.Invoke(map);
        string index = _dir.File("model.safetensors.index.json");
        File.WriteAllText(index, JsonSerializer.Serialize(new { metadata = new { total_size = 12345 }, weight_map = map }));
        return index;
    }

    private static void AssertRefused(string path, params string[] fragments)
    {
        var error = Assert.Throws<InvalidInputException>(() => Checkpoint.Open(path).Dispose());
        foreach (string fragment in fragments) Assert.Contains(fragment, error.Message);
    }

    [Fact]
    public void TwoShardsReadBack()
    {
        string index = WriteSharded();

        using var checkpoint = Checkpoint.Open(_dir.Path);

        Assert.Equal(index, checkpoint.Path);
        Assert.Equal(_first.Keys.Concat(_second.Keys).Order(StringComparer.Ordinal), checkpoint.Names);
        Assert.Equal("12345", checkpoint.Metadata["total_size"]);
        foreach (var (name, original) in _first.Concat(_second))
        {
            Assert.Equal(original.shape, checkpoint.Entry(name).Shape);
            using var read = checkpoint.Read(name);
            Assert.True(TestTensors.BitEqual(original, read), name);
        }
        var all = checkpoint.ReadAll();
        try
        {
            Assert.Equal(4, all.Count);
            Assert.True(TestTensors.BitEqual(_second["layer.1.weight"], all["layer.1.weight"]));
        }
        finally
        {
            foreach (var t in all.Values) t.Dispose();
        }
    }

    [Fact]
    public void IndexFileOpensDirectly()
    {
        string index = WriteSharded();
        using var checkpoint = Checkpoint.Open(index);
        Assert.Equal(4, checkpoint.Names.Count);
    }

    [Fact]
    public void SingleFileDirectoryAndFile()
    {
        string single = _dir.File("model.safetensors");
        SafetensorsWriter.Write(single, _first, new Dictionary<string, string> { ["format"] = "pt" });

        using var fromDirectory = Checkpoint.Open(_dir.Path);
        using var fromFile = Checkpoint.Open(single);

        Assert.Equal(_first.Keys.Order(StringComparer.Ordinal), fromDirectory.Names);
        Assert.Equal(fromDirectory.Names, fromFile.Names);
        Assert.Equal("pt", fromFile.Metadata["format"]);
        using var embed = fromFile.Read("embed.weight", ScalarType.Float32);
        Assert.Equal(ScalarType.Float32, embed.dtype);
    }

    [Fact]
    public void IndexPointingToAMissingShard()
    {
        string index = WriteSharded(map => map["steps"] = "model-00003-of-00003.safetensors");
        AssertRefused(index, index + ": ", "shard 'model-00003-of-00003.safetensors'", "'steps'", "does not exist");
    }

    [Fact]
    public void TensorListedButAbsent()
    {
        string index = WriteSharded(map => map["lm_head.weight"] = Shard2);
        AssertRefused(_dir.Path, "tensor 'lm_head.weight'", $"shard '{Shard2}'", "does not contain it");
    }

    [Fact]
    public void TensorInAShardButNotListed()
    {
        WriteSharded(map => map.Remove("layer.0.weight"));
        AssertRefused(_dir.Path, "tensor 'layer.0.weight'", "not listed in the index");
    }

    [Fact]
    public void TensorInTwoShards()
    {
        WriteSharded();
        // Rewrite shard 2 so it also holds a tensor that the index maps to shard 1.
        SafetensorsWriter.Write(_dir.File(Shard2), _second.Append(new("embed.weight", _first["embed.weight"])).ToDictionary());
        AssertRefused(_dir.Path, "tensor 'embed.weight'", "two shards", Shard1, Shard2);
    }

    [Fact]
    public void ShardOutsideTheDirectory()
    {
        WriteSharded(map => map["steps"] = "../elsewhere.safetensors");
        AssertRefused(_dir.Path, "'steps'", "must be a file name");
    }

    [Fact]
    public void MalformedIndex()
    {
        File.WriteAllText(_dir.File("model.safetensors.index.json"), "{\"weight_map\": [1]}");
        AssertRefused(_dir.Path, "weight_map");
    }

    [Fact]
    public void DirectoryWithoutACheckpoint() =>
        AssertRefused(_dir.Path, _dir.Path + ": ", "neither model.safetensors nor model.safetensors.index.json");

    [Fact]
    public void MissingPath() => AssertRefused(_dir.File("nothing-here"), "not found");
}
