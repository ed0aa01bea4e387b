// Copies a model directory with every floating-point tensor of its safetensors files stored in
// another dtype: how the shipped demo model fits its size budget (float16 halves a float32
// model). Loaders convert back on load (CheckpointLoader copies with dtype conversion), so the
// copy loads wherever the original did; integer and bool tensors, metadata, names and every
// non-safetensors file (configs, tokenizer) are kept as they are. A sharded index's total_size
// is recomputed. The copy is built in a temporary sibling folder and renamed into place, so a
// failure leaves nothing half-written.
// Reference: safetensors format (https://github.com/huggingface/safetensors).
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Checkpoints;

public sealed record ConversionReport(int Files, int TensorsConverted, long BytesBefore, long BytesAfter);

public static class CheckpointConversion
{
    public static ConversionReport ConvertDirectory(string source, string destination, ScalarType dtype)
    {
        if (!Directory.Exists(source)) throw InvalidInputException.ForFile(source, "no such model directory");
        if (Directory.Exists(destination) || File.Exists(destination))
            throw InvalidInputException.ForFile(destination, "already exists (choose a new folder)");
        if (dtype is not (ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16))
            throw new ArgumentException($"store as float32, float16 or bfloat16, not {dtype}", nameof(dtype));
        string full = Path.GetFullPath(destination);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        int files = 0, converted = 0;
        long before = 0, after = 0;
        try
        {
            foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                string relative = Path.GetRelativePath(source, file);
                string target = Path.Combine(temp, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                before += new FileInfo(file).Length;
                if (file.EndsWith(".safetensors", StringComparison.Ordinal))
                {
                    converted += ConvertFile(file, target, dtype);
                    files++;
                }
                else File.Copy(file, target);
            }
            foreach (string index in Directory.EnumerateFiles(temp, "*.safetensors.index.json", SearchOption.AllDirectories))
                RecomputeTotalSize(index);
            after = Directory.EnumerateFiles(temp, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
            Directory.Move(temp, full);
        }
        catch
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
            throw;
        }
        return new ConversionReport(files, converted, before, after);
    }

    private static int ConvertFile(string source, string target, ScalarType dtype)
    {
        using var scope = torch.NewDisposeScope();
        using var file = SafetensorsFile.Open(source);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        int converted = 0;
        foreach (string name in file.Entries.Keys)
        {
            var stored = file.ReadTensor(name);
            if (stored.is_floating_point() && stored.dtype != dtype)
            {
                tensors[name] = stored.to(dtype);
                converted++;
            }
            else tensors[name] = stored;
        }
        SafetensorsWriter.Write(target, tensors, file.Metadata.Count > 0 ? file.Metadata : null);
        return converted;
    }

    private static void RecomputeTotalSize(string indexPath)
    {
        var root = JsonNode.Parse(File.ReadAllText(indexPath))?.AsObject();
        if (root?["weight_map"] is not JsonObject map) return;
        string folder = Path.GetDirectoryName(indexPath)!;
        long total = 0;
        foreach (string shard in map.Select(p => p.Value?.GetValue<string>()).OfType<string>().Distinct())
        {
            using var file = SafetensorsFile.Open(Path.Combine(folder, shard));
            total += file.Entries.Values.Sum(e => e.ByteCount);
        }
        root["metadata"] ??= new JsonObject();
        root["metadata"]!["total_size"] = total;
        File.WriteAllText(indexPath, root.ToJsonString());
    }
}
