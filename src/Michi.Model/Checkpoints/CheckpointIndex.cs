// The index of a sharded Hugging Face checkpoint, model.safetensors.index.json:
//   {"metadata": {"total_size": 123}, "weight_map": {"tensor.name": "model-00001-of-00002.safetensors"}}
// (transformers' save_pretrained; the format has no formal spec). Parsing validates the JSON
// shape only; ShardedCheckpoint checks it against the shard files. Shard names must stay inside
// the index's directory: an index is user input and must not point the reader elsewhere.
using System.Text.Json;

namespace Michi.Model.Checkpoints;

internal sealed record CheckpointIndex(
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyDictionary<string, string> WeightMap)
{
    public const string FileName = "model.safetensors.index.json";

    /// <summary>Indexes of real checkpoints are a few hundred kB; anything far larger is not one.</summary>
    private const long MaxBytes = 100_000_000;

    public static CheckpointIndex Load(string path)
    {
        long length = new FileInfo(path).Length;
        if (length > MaxBytes)
            throw InvalidInputException.ForFile(path, $"index is {length} bytes, over the {MaxBytes}-byte limit");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw InvalidInputException.ForFile(path, $"cannot read ({e.Message})");
        }
        return Parse(path, bytes);
    }

    public static CheckpointIndex Parse(string path, ReadOnlyMemory<byte> json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw InvalidInputException.ForFile(path, $"index is not valid JSON ({e.Message})");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw InvalidInputException.ForFile(path, $"index must be a JSON object, found {root.ValueKind}");

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("metadata", out var meta) && meta.ValueKind != JsonValueKind.Null)
            {
                if (meta.ValueKind != JsonValueKind.Object)
                    throw InvalidInputException.ForFile(path, $"\"metadata\" must be an object, found {meta.ValueKind}");
                foreach (var item in meta.EnumerateObject())
                    metadata[item.Name] = item.Value.ValueKind == JsonValueKind.String ? item.Value.GetString()! : item.Value.GetRawText();
            }

            if (!root.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw InvalidInputException.ForFile(path, "missing object \"weight_map\"");
            var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var item in map.EnumerateObject())
            {
                if (item.Value.ValueKind != JsonValueKind.String)
                    throw InvalidInputException.ForFile(path, $"weight_map entry for '{item.Name}' must be a shard file name, found {item.Value.ValueKind}");
                string shard = item.Value.GetString()!;
                if (!IsPlainFileName(shard))
                    throw InvalidInputException.ForFile(path, $"weight_map entry for '{item.Name}': shard \"{shard}\" must be a file name in the index's directory");
                if (!weightMap.TryAdd(item.Name, shard))
                    throw InvalidInputException.ForFile(path, $"tensor '{item.Name}' is listed twice in weight_map");
            }
            if (weightMap.Count == 0)
                throw InvalidInputException.ForFile(path, "weight_map is empty");
            return new CheckpointIndex(metadata, weightMap);
        }
    }

    private static bool IsPlainFileName(string shard) =>
        shard.Length > 0 && shard != "." && shard != ".."
        && shard.IndexOfAny(['/', '\\', '\0']) < 0 && !System.IO.Path.IsPathRooted(shard);
}
