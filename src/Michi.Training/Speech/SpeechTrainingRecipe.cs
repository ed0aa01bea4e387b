// Everything that decides what a head or joint training run computes (DESIGN.md §4.2–4.3):
// the stage, where the first weights come from, the heads' sizes when new, seed, batch, crop,
// optimiser, schedule, the share of pure-text steps and the loss weights. Saved in every
// checkpoint; a resumed run must use the same recipe.
// Defaults: AdamW β = (0.9, 0.95), weight decay 0.01 on matrices, gradient norm clipped at 1,
// warm-up 100 steps then cosine to 10 % at decay_steps; lr 1e-3 for the head stage (new
// heads on a frozen backbone) and 3e-4 for joint (the backbone is pretrained: a gentler rate
// keeps its text ability, which the held-out perplexity tracks); 8 utterances of up to 160
// frames (12.8 s) per step; a quarter of joint steps are pure-text batches of 8 × 256 tokens.
// Loss weights null = the model config's flow_loss_weight / listen_loss_weight.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Michi.Training.Speech;

public sealed record SpeechTrainingRecipe : ITrainingRecipe
{
    public const string HeadStage = "head", JointStage = "joint";

    [JsonPropertyName("stage")] public string Stage { get; init; } = HeadStage;

    /// <summary>Directory the first weights came from (a backbone or a speech model); null = random backbone preset.</summary>
    [JsonPropertyName("init")] public string? Init { get; init; }

    /// <summary>Backbone preset when there is no init directory ("tiny", "demo", …).</summary>
    [JsonPropertyName("backbone_preset")] public string? BackbonePreset { get; init; }

    /// <summary>Head sizes when the heads are new (init is a backbone or a preset): tiny, demo, paper.</summary>
    [JsonPropertyName("heads")] public string Heads { get; init; } = "demo";

    [JsonPropertyName("seed")] public int Seed { get; init; }
    [JsonPropertyName("batch_size")] public int BatchSize { get; init; } = 8;
    [JsonPropertyName("crop_frames")] public int CropFrames { get; init; } = 160;
    [JsonPropertyName("learning_rate")] public double LearningRate { get; init; } = 1e-3;
    [JsonPropertyName("min_lr_ratio")] public double MinLrRatio { get; init; } = 0.1;
    [JsonPropertyName("warmup_steps")] public int WarmupSteps { get; init; } = 100;
    [JsonPropertyName("decay_steps")] public long DecaySteps { get; init; } = 2000;
    [JsonPropertyName("adam_b1")] public double Beta1 { get; init; } = 0.9;
    [JsonPropertyName("adam_b2")] public double Beta2 { get; init; } = 0.95;
    [JsonPropertyName("weight_decay")] public double WeightDecay { get; init; } = 0.01;
    [JsonPropertyName("grad_clip")] public double GradClip { get; init; } = 1.0;

    /// <summary>Share of steps (joint only) that are pure-text batches.</summary>
    [JsonPropertyName("text_ratio")] public double TextRatio { get; init; } = 0.25;
    [JsonPropertyName("text_batch_size")] public int TextBatchSize { get; init; } = 8;
    [JsonPropertyName("text_sequence_length")] public int TextSequenceLength { get; init; } = 256;

    /// <summary>Utterances held out (the last ones of the shards) for speech validation.</summary>
    [JsonPropertyName("validation_utterances")] public int ValidationUtterances { get; init; } = 32;

    [JsonPropertyName("flow_loss_weight")] public double? FlowLossWeight { get; init; }
    [JsonPropertyName("listen_loss_weight")] public double? ListenLossWeight { get; init; }

    [JsonIgnore] public bool Joint => Stage == JointStage;

    public double LearningRateAt(long step) => LearningRateSchedule.WarmupCosine(step, LearningRate, WarmupSteps, DecaySteps, MinLrRatio);

    public string? Validate()
    {
        if (Stage is not (HeadStage or JointStage)) return $"stage must be {HeadStage} or {JointStage} (got \"{Stage}\")";
        if (!SpeechModelFactory.HeadPresetNames.Contains(Heads)) return $"heads must be one of {string.Join(", ", SpeechModelFactory.HeadPresetNames)}";
        if (BatchSize is < 1 or > 4096 || TextBatchSize is < 1 or > 4096) return "batch sizes must be in 1..4096";
        if (CropFrames is < 2 or > 100_000) return $"crop_frames must be in 2..100000 (got {CropFrames})";
        if (TextSequenceLength is < 2 or > 1_000_000) return $"text_sequence_length must be ≥ 2 (got {TextSequenceLength})";
        if (!(LearningRate > 0) || !(MinLrRatio >= 0 && MinLrRatio <= 1)) return "learning_rate must be > 0 and min_lr_ratio in [0, 1]";
        if (WarmupSteps < 0 || DecaySteps < 0) return "warmup_steps and decay_steps must be ≥ 0";
        if (!(Beta1 >= 0 && Beta1 < 1 && Beta2 >= 0 && Beta2 < 1)) return "adam betas must be in [0, 1)";
        if (!(WeightDecay >= 0) || !(GradClip > 0)) return "weight_decay must be ≥ 0 and grad_clip > 0";
        if (!(TextRatio >= 0 && TextRatio <= 1)) return $"text_ratio must be in [0, 1] (got {TextRatio})";
        if (ValidationUtterances < 0) return "validation_utterances must be ≥ 0";
        if (FlowLossWeight is { } f && !(f >= 0 && double.IsFinite(f))) return "flow_loss_weight must be finite and ≥ 0";
        if (ListenLossWeight is { } l && !(l >= 0 && double.IsFinite(l))) return "listen_loss_weight must be finite and ≥ 0";
        return null;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public IReadOnlyList<string> Differences(SpeechTrainingRecipe other) => RecipeJson.Differences(ToJson(), other.ToJson());
}

/// <summary>Where the data and outputs of a head/joint run live, and how it is carried out.</summary>
public sealed record SpeechTrainingOptions
{
    public required string ShardsDirectory { get; init; }

    /// <summary>Codec model directory (required unless the init or resumed model holds codec/).</summary>
    public string? CodecDirectory { get; init; }

    /// <summary>Tokenizer directory for a model built from a preset (otherwise the model's own).</summary>
    public string? TokenizerDirectory { get; init; }

    /// <summary>Text for the pure-text batches of the joint stage.</summary>
    public string? TrainText { get; init; }

    /// <summary>Held-out text: perplexity of the text stream at every validation (the coherence measure).</summary>
    public string? ValidationText { get; init; }

    public required string OutputDirectory { get; init; }
    public SpeechTrainingRecipe Recipe { get; init; } = new();
    public TrainingSchedule Schedule { get; init; } = new();
    public bool Resume { get; init; }
    public int ValidationTokens { get; init; } = 32_768;

    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(ShardsDirectory) || string.IsNullOrWhiteSpace(OutputDirectory)) return "shards and output folders are required";
        if (Recipe is null || Schedule is null) return "a recipe and a schedule are required";
        if (Recipe.Joint && Recipe.TextRatio > 0 && TrainText is null) return "the joint stage mixes in pure-text batches: give the training text (--text), or --text-ratio 0";
        if (Recipe.Init is null && Recipe.BackbonePreset is null) return "start from --init DIR or a backbone --preset";
        if (ValidationTokens < 2) return "validation tokens must be ≥ 2";
        return Schedule.Validate() ?? Recipe.Validate();
    }
}
