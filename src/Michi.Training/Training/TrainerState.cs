// The scalar part of a training checkpoint (trainer.json): step, elapsed time, the data RNG
// state, optimiser step counts, the epoch length the schedule was fixed with, the recipe, and
// a fingerprint of the data it was trained on. Tensors (weights, moments, the torch RNG) live
// beside it in safetensors files; see CheckpointStore.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Michi.Training;

public sealed record TrainerState
{
    public const string FileName = "trainer.json";
    public const int CurrentFormat = 1;

    [JsonPropertyName("format_version")] public int FormatVersion { get; init; } = CurrentFormat;
    [JsonPropertyName("step")] public long Step { get; init; }
    [JsonPropertyName("elapsed_seconds")] public double ElapsedSeconds { get; init; }
    [JsonPropertyName("data_rng_state")] public ulong DataRngState { get; init; }
    [JsonPropertyName("steps_per_epoch")] public long StepsPerEpoch { get; init; }
    [JsonPropertyName("generator_optimizer_steps")] public long GeneratorOptimizerSteps { get; init; }
    [JsonPropertyName("discriminator_optimizer_steps")] public long DiscriminatorOptimizerSteps { get; init; }
    [JsonPropertyName("training_files")] public int TrainingFiles { get; init; }
    [JsonPropertyName("training_samples")] public long TrainingSamples { get; init; }
    [JsonPropertyName("recipe")] public CodecTrainingRecipe Recipe { get; init; } = new();

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static TrainerState Load(string path)
    {
        if (!File.Exists(path)) throw InvalidInputException.ForFile(path, "file not found");
        long length = new FileInfo(path).Length;
        if (length > 1_000_000) throw InvalidInputException.ForFile(path, $"{length} bytes: far too large for a trainer state");
        TrainerState? state;
        try
        {
            state = JsonSerializer.Deserialize<TrainerState>(File.ReadAllBytes(path), Options);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or NotSupportedException)
        {
            throw InvalidInputException.ForFile(path, $"invalid trainer state JSON ({e.Message.Split('\n')[0]})");
        }
        if (state is null) throw InvalidInputException.ForFile(path, "trainer state is JSON null");
        if (state.FormatVersion != CurrentFormat)
            throw InvalidInputException.ForFile(path, $"format_version {state.FormatVersion} is not {CurrentFormat}");
        if (state.Step < 0 || state.StepsPerEpoch < 1 || state.Recipe is null)
            throw InvalidInputException.ForFile(path, "step, steps_per_epoch or recipe is missing or invalid");
        if (state.Recipe.Validate() is { } problem) throw InvalidInputException.ForFile(path, "recipe: " + problem);
        return state;
    }
}
