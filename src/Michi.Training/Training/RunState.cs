// The scalar part of a text or speech training checkpoint (trainer.json): step, elapsed time,
// the data RNG state, the optimiser's step count, a fingerprint of the data (counts that change
// when the data does), and the recipe. The codec trainer's TrainerState is the same idea with
// two optimisers; tensors (weights, moments, the torch RNG) live beside it in safetensors files
// (CheckpointStore, OptimizerFile).
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Michi.Training;

/// <summary>What a trainer's recipe offers its checkpoint: validation and a stable JSON form.</summary>
public interface ITrainingRecipe
{
    string? Validate();
    string ToJson();
}

public sealed record RunState<TRecipe> where TRecipe : class, ITrainingRecipe
{
    public const string FileName = TrainerState.FileName;
    public const int CurrentFormat = 1;

    [JsonPropertyName("format_version")] public int FormatVersion { get; init; } = CurrentFormat;
    [JsonPropertyName("step")] public long Step { get; init; }
    [JsonPropertyName("elapsed_seconds")] public double ElapsedSeconds { get; init; }
    [JsonPropertyName("data_rng_state")] public ulong DataRngState { get; init; }
    [JsonPropertyName("optimizer_steps")] public long OptimizerSteps { get; init; }

    /// <summary>Sizes of the data the run was trained on ("train_tokens", "utterances", …).</summary>
    [JsonPropertyName("data")] public IReadOnlyDictionary<string, long> Data { get; init; } = new Dictionary<string, long>();

    [JsonPropertyName("recipe")] public TRecipe Recipe { get; init; } = null!;

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>The recipe saved with the latest checkpoint in a training output folder, or null.</summary>
    public static TRecipe? LatestRecipe(string outputDirectory)
    {
        string? folder = new CheckpointStore(outputDirectory).Latest();
        return folder is null ? null : Load(Path.Combine(folder, FileName)).Recipe;
    }

    public static RunState<TRecipe> Load(string path)
    {
        if (!File.Exists(path)) throw InvalidInputException.ForFile(path, "file not found");
        long length = new FileInfo(path).Length;
        if (length > 1_000_000) throw InvalidInputException.ForFile(path, $"{length} bytes: far too large for a trainer state");
        RunState<TRecipe>? state;
        try
        {
            state = JsonSerializer.Deserialize<RunState<TRecipe>>(File.ReadAllBytes(path), Options);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or NotSupportedException)
        {
            throw InvalidInputException.ForFile(path, $"invalid trainer state JSON ({e.Message.Split('\n')[0]})");
        }
        if (state is null) throw InvalidInputException.ForFile(path, "trainer state is JSON null");
        if (state.FormatVersion != CurrentFormat)
            throw InvalidInputException.ForFile(path, $"format_version {state.FormatVersion} is not {CurrentFormat}");
        if (state.Step < 0 || state.OptimizerSteps < 0 || state.Recipe is null || state.Data is null)
            throw InvalidInputException.ForFile(path, "step, optimizer_steps, data or recipe is missing or invalid");
        if (state.Recipe.Validate() is { } problem) throw InvalidInputException.ForFile(path, "recipe: " + problem);
        return state;
    }

    /// <summary>How the data differs from the checkpoint's, or null when it is the same.</summary>
    public string? DataDifference(IReadOnlyDictionary<string, long> now)
    {
        var changed = Data.Where(kv => !now.TryGetValue(kv.Key, out long v) || v != kv.Value)
            .Select(kv => $"{kv.Key} {kv.Value} then, {(now.TryGetValue(kv.Key, out long v) ? v.ToString(System.Globalization.CultureInfo.InvariantCulture) : "absent")} now")
            .ToList();
        return changed.Count == 0 ? null : string.Join("; ", changed);
    }
}
