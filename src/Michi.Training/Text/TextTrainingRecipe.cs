// Everything that decides what a text pretraining run computes: the backbone's shape, where its
// first weights came from, seed, batch, window, optimiser and schedule. Saved in every
// checkpoint; a resumed run must use the same recipe (the trainer refuses another one).
// Defaults, for the `demo` backbone on this CPU (nanoGPT / SmolLM pretraining practice scaled
// down): AdamW β = (0.9, 0.95), weight decay 0.1 on matrices only (not on norms), peak lr 2e-3
// with 100 warm-up steps and a cosine decay to 10 % at decay_steps (the CLI sets it to the
// run's --steps when the run starts), gradient norm clipped at 1, windows of 256 tokens,
// 16 per step.
using System.Text.Json;
using System.Text.Json.Serialization;
using Michi.Model.Backbone;

namespace Michi.Training.Text;

public sealed record TextTrainingRecipe : ITrainingRecipe
{
    [JsonPropertyName("model")] public LlamaConfig Model { get; init; } = LlamaConfig.Demo;

    /// <summary>Hugging Face directory the first weights were loaded from; null = random initialisation.</summary>
    [JsonPropertyName("init")] public string? Init { get; init; }

    [JsonPropertyName("seed")] public int Seed { get; init; }
    [JsonPropertyName("batch_size")] public int BatchSize { get; init; } = 16;
    [JsonPropertyName("sequence_length")] public int SequenceLength { get; init; } = 256;
    [JsonPropertyName("learning_rate")] public double LearningRate { get; init; } = 2e-3;
    [JsonPropertyName("min_lr_ratio")] public double MinLrRatio { get; init; } = 0.1;
    [JsonPropertyName("warmup_steps")] public int WarmupSteps { get; init; } = 100;
    [JsonPropertyName("decay_steps")] public long DecaySteps { get; init; } = 2000;
    [JsonPropertyName("adam_b1")] public double Beta1 { get; init; } = 0.9;
    [JsonPropertyName("adam_b2")] public double Beta2 { get; init; } = 0.95;
    [JsonPropertyName("weight_decay")] public double WeightDecay { get; init; } = 0.1;
    [JsonPropertyName("grad_clip")] public double GradClip { get; init; } = 1.0;
    [JsonPropertyName("init_std")] public double InitStd { get; init; } = LlamaInit.DefaultStd;

    public double LearningRateAt(long step) => LearningRateSchedule.WarmupCosine(step, LearningRate, WarmupSteps, DecaySteps, MinLrRatio);

    public string? Validate()
    {
        if (Model is null) return "a model config is required";
        if (Model.Validate() is { } m) return "model: " + m;
        if (BatchSize is < 1 or > 4096) return $"batch_size must be in 1..4096 (got {BatchSize})";
        if (SequenceLength < 2 || SequenceLength > Model.MaxPositionEmbeddings)
            return $"sequence_length must be in 2..{Model.MaxPositionEmbeddings} (got {SequenceLength})";
        if (!(LearningRate > 0) || !(MinLrRatio >= 0 && MinLrRatio <= 1)) return "learning_rate must be > 0 and min_lr_ratio in [0, 1]";
        if (WarmupSteps < 0 || DecaySteps < 0) return "warmup_steps and decay_steps must be ≥ 0";
        if (!(Beta1 >= 0 && Beta1 < 1 && Beta2 >= 0 && Beta2 < 1)) return "adam betas must be in [0, 1)";
        if (!(WeightDecay >= 0) || !(GradClip > 0) || !(InitStd > 0)) return "weight_decay must be ≥ 0, grad_clip and init_std > 0";
        return null;
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public IReadOnlyList<string> Differences(TextTrainingRecipe other) => RecipeJson.Differences(ToJson(), other.ToJson());
}

/// <summary>Where the data and outputs of a text run live, and how it is carried out.</summary>
public sealed record TextTrainingOptions
{
    public required string TrainText { get; init; }
    public required string ValidationText { get; init; }

    /// <summary>Directory with tokenizer.json (+ tokenizer_config.json); copied into every output.</summary>
    public required string TokenizerDirectory { get; init; }

    public required string OutputDirectory { get; init; }
    public TextTrainingRecipe Recipe { get; init; } = new();
    public TrainingSchedule Schedule { get; init; } = new();
    public bool Resume { get; init; }

    /// <summary>Validation tokens scored per validation (the start of the file), bounding its time.</summary>
    public int ValidationTokens { get; init; } = 32_768;

    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(TrainText) || string.IsNullOrWhiteSpace(ValidationText) || string.IsNullOrWhiteSpace(TokenizerDirectory)
            || string.IsNullOrWhiteSpace(OutputDirectory))
            return "training text, validation text, tokenizer and output folder are required";
        if (ValidationTokens < 2) return "validation tokens must be ≥ 2";
        return Schedule?.Validate() ?? Recipe?.Validate() ?? (Recipe is null || Schedule is null ? "a recipe and a schedule are required" : null);
    }
}
