// A checkpoint spread over one or more safetensors files, each tensor in exactly one of them.
// A single file is the one-shard case, so there is one reader for both layouts. Opening a
// sharded checkpoint cross-checks the index against the shard headers (every shard exists,
// every listed tensor is in the shard the index names, no tensor lives in two shards, no shard
// holds a tensor the index does not list) so a broken download fails at open, not halfway
// through loading a model.
using static TorchSharp.torch;

namespace Michi.Model.Checkpoints;

public sealed class ShardedCheckpoint : ICheckpointReader
{
    private readonly List<SafetensorsFile> _files;
    private readonly Dictionary<string, SafetensorsFile> _byName;
    private readonly string[] _names;

    private ShardedCheckpoint(string path, IReadOnlyDictionary<string, string> metadata,
        List<SafetensorsFile> files, Dictionary<string, SafetensorsFile> byName)
    {
        Path = path;
        Metadata = metadata;
        _files = files;
        _byName = byName;
        _names = byName.Keys.Order(StringComparer.Ordinal).ToArray();
    }

    public string Path { get; }

    public IReadOnlyCollection<string> Names => _names;

    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The shard files, for diagnostics.</summary>
    public IReadOnlyList<string> ShardPaths => _files.Select(f => f.Path).ToList();

    /// <summary>One safetensors file as a checkpoint.</summary>
    public static ShardedCheckpoint OpenFile(string path)
    {
        var file = SafetensorsFile.Open(path);
        var byName = file.Entries.Keys.ToDictionary(n => n, _ => file, StringComparer.Ordinal);
        return new ShardedCheckpoint(path, file.Metadata, [file], byName);
    }

    /// <summary>A sharded checkpoint from its model.safetensors.index.json.</summary>
    public static ShardedCheckpoint OpenIndex(string indexPath)
    {
        var index = CheckpointIndex.Load(indexPath);
        string directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(indexPath))!;
        var shards = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        try
        {
            foreach (var (tensor, shard) in index.WeightMap)
            {
                if (shards.ContainsKey(shard)) continue;
                string shardPath = System.IO.Path.Combine(directory, shard);
                if (!File.Exists(shardPath))
                    throw InvalidInputException.ForFile(indexPath, $"shard '{shard}' (listed for tensor '{tensor}') does not exist");
                shards.Add(shard, SafetensorsFile.Open(shardPath));
            }

            var byName = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
            foreach (var (tensor, shard) in index.WeightMap)
            {
                if (!shards[shard].Entries.ContainsKey(tensor))
                    throw InvalidInputException.ForFile(indexPath, $"tensor '{tensor}' is listed in shard '{shard}' but that shard does not contain it");
                byName.Add(tensor, shards[shard]);
            }
            foreach (var (shard, file) in shards)
            {
                foreach (string tensor in file.Entries.Keys)
                {
                    if (!index.WeightMap.TryGetValue(tensor, out string? listed))
                        throw InvalidInputException.ForFile(indexPath, $"tensor '{tensor}' in shard '{shard}' is not listed in the index");
                    if (listed != shard)
                        throw InvalidInputException.ForFile(indexPath, $"tensor '{tensor}' is stored in two shards, '{listed}' and '{shard}'");
                }
            }
            return new ShardedCheckpoint(indexPath, index.Metadata, shards.Values.ToList(), byName);
        }
        catch
        {
            foreach (var file in shards.Values) file.Dispose();
            throw;
        }
    }

    public bool Contains(string name) => _byName.ContainsKey(name);

    public TensorEntry Entry(string name) => FileOf(name).Entries[name];

    public Tensor Read(string name) => FileOf(name).ReadTensor(name);

    public Tensor Read(string name, ScalarType dtype) => FileOf(name).ReadTensor(name, dtype);

    public Dictionary<string, Tensor> ReadAll()
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (string name in _names) result.Add(name, Read(name));
            return result;
        }
        catch
        {
            foreach (var tensor in result.Values) tensor.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var file in _files) file.Dispose();
    }

    private SafetensorsFile FileOf(string name) =>
        _byName.TryGetValue(name, out var file)
            ? file
            : throw InvalidInputException.ForFile(Path, $"no tensor named '{name}'");
}
