// Entry point for reading a checkpoint from whatever the user points at, following the
// Hugging Face layout (transformers' from_pretrained): a .safetensors file, an index file, or
// a directory holding model.safetensors (preferred, as transformers does) or
// model.safetensors.index.json plus its shards.
namespace Michi.Model.Checkpoints;

public static class Checkpoint
{
    public const string SingleFileName = "model.safetensors";

    public static ICheckpointReader Open(string pathOrDirectory)
    {
        ArgumentNullException.ThrowIfNull(pathOrDirectory);
        if (Directory.Exists(pathOrDirectory))
        {
            string single = Path.Combine(pathOrDirectory, SingleFileName);
            if (File.Exists(single)) return ShardedCheckpoint.OpenFile(single);
            string index = Path.Combine(pathOrDirectory, CheckpointIndex.FileName);
            if (File.Exists(index)) return ShardedCheckpoint.OpenIndex(index);
            throw InvalidInputException.ForFile(pathOrDirectory,
                $"directory holds neither {SingleFileName} nor {CheckpointIndex.FileName}");
        }
        if (!File.Exists(pathOrDirectory))
            throw InvalidInputException.ForFile(pathOrDirectory, "file or directory not found");
        return pathOrDirectory.EndsWith(".index.json", StringComparison.OrdinalIgnoreCase)
            ? ShardedCheckpoint.OpenIndex(pathOrDirectory)
            : ShardedCheckpoint.OpenFile(pathOrDirectory);
    }
}
