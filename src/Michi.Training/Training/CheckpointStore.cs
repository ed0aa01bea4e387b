// Training checkpoints on disk, written so that a crash at any moment leaves the previous one
// loadable:
//   OUT/checkpoints/step-00001000/   config.json + model.safetensors (a codec model directory:
//                                    `--model` accepts it as is), discriminator.safetensors,
//                                    optimizer.safetensors (AdamW moments `generator.…`,
//                                    `discriminator.…`, and the torch RNG state `rng.torch`),
//                                    trainer.json (TrainerState)
//   OUT/checkpoints/latest.json      {"step": 1000, "directory": "step-00001000"}
// A checkpoint is first written whole into a hidden temporary folder, then renamed into place
// (one atomic rename), and only then does latest.json (itself written atomically) point at it.
// Leftover temporary folders from a crash are ignored and cleaned up on the next save. Only the
// newest KeepCheckpoints step folders are kept.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Michi.Training;

public sealed record LatestCheckpoint(
    [property: JsonPropertyName("step")] long Step,
    [property: JsonPropertyName("directory")] string Directory);

public sealed class CheckpointStore(string outputDirectory)
{
    public const string FolderName = "checkpoints";
    public const string LatestFileName = "latest.json";
    public const string DiscriminatorFileName = "discriminator.safetensors";
    public const string OptimizerFileName = "optimizer.safetensors";
    private const string TempPrefix = ".tmp-";

    public string Root { get; } = Path.Combine(outputDirectory, FolderName);
    public string LatestPath => Path.Combine(Root, LatestFileName);

    /// <summary>Test hook: called after each file of a checkpoint is written (a throw simulates a crash).</summary>
    internal Action<string>? AfterFileWritten { get; set; }

    public static string StepFolderName(long step) => $"step-{step:D8}";

    /// <summary>Writes a checkpoint: <paramref name="writeFiles"/> fills the folder it is given
    /// (calling <paramref name="writeFiles"/>'s callback after each file), then it is published.</summary>
    public string Save(long step, Action<string, Action<string>> writeFiles, int keep)
    {
        Directory.CreateDirectory(Root);
        foreach (string stale in Directory.EnumerateDirectories(Root, TempPrefix + "*")) TryDelete(stale);
        string name = StepFolderName(step);
        string temp = Path.Combine(Root, $"{TempPrefix}{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        writeFiles(temp, file => AfterFileWritten?.Invoke(file));

        string final = Path.Combine(Root, name);
        if (Directory.Exists(final))
        {
            // Re-saving a step (e.g. the end of a run that resumed at its last step): move the old
            // copy aside first; latest.json keeps naming the same folder, which is complete again
            // right after the second rename.
            string old = Path.Combine(Root, $"{TempPrefix}old-{name}-{Guid.NewGuid():N}");
            Directory.Move(final, old);
            Directory.Move(temp, final);
            TryDelete(old);
        }
        else
        {
            Directory.Move(temp, final);
        }
        AtomicFile.WriteAllText(LatestPath, JsonSerializer.Serialize(new LatestCheckpoint(step, name)));
        Prune(keep, name);
        return final;
    }

    /// <summary>The latest checkpoint folder, or null when none was ever published.</summary>
    public string? Latest()
    {
        if (!File.Exists(LatestPath)) return null;
        LatestCheckpoint? latest;
        try
        {
            latest = JsonSerializer.Deserialize<LatestCheckpoint>(File.ReadAllText(LatestPath));
        }
        catch (JsonException e)
        {
            throw InvalidInputException.ForFile(LatestPath, $"invalid JSON ({e.Message.Split('\n')[0]})");
        }
        if (latest is null || string.IsNullOrEmpty(latest.Directory) || latest.Directory.Contains('/') || latest.Directory.Contains('\\')
            || latest.Directory.StartsWith('.'))
            throw InvalidInputException.ForFile(LatestPath, "does not name a checkpoint folder");
        string folder = Path.Combine(Root, latest.Directory);
        if (!Directory.Exists(folder)) throw InvalidInputException.ForFile(LatestPath, $"names {latest.Directory}, which does not exist");
        return folder;
    }

    private void Prune(int keep, string current)
    {
        var steps = Directory.EnumerateDirectories(Root, "step-*").Select(Path.GetFileName).OfType<string>()
            .Where(n => n != current).Order(StringComparer.Ordinal).ToList();
        foreach (string old in steps.Take(Math.Max(0, steps.Count - (keep - 1)))) TryDelete(Path.Combine(Root, old));
    }

    private static void TryDelete(string directory)
    {
        try { Directory.Delete(directory, recursive: true); }
        catch (IOException) { /* best effort: a leftover folder is harmless */ }
        catch (UnauthorizedAccessException) { }
    }
}
