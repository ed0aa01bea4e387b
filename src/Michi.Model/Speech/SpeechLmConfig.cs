// config.json of a Michi speech language model (DESIGN.md §2–4): which text backbone, the audio
// latent size and frame length, the tokens added to the vocabulary, and the shapes of the heads.
// The backbone's own config is not repeated here: in a model directory it is backbone/config.json
// (Hugging Face layout), attached on load; built from scratch it is the named preset. The
// backbone's vocabulary size is recorded (text_vocab_size) so that a directory whose backbone
// was swapped for one with another vocabulary is refused instead of silently misreading ids.
// Added tokens come right after the backbone's vocabulary, in this order: PAD ("no new text
// this frame"), start of speech, end of turn; their ids are derived, and written to the JSON
// for readers (ignored when read back).
// λ (flow_loss_weight) and the listen loss weight are part of the model's recipe, kept here
// so the joint loss is one call; dtype and device are not config.
// Presets: Tiny (the tiny-llama fixture backbone, latent 8 like CodecConfig.Tiny, seconds to
// train, for tests); Paper (SmolLM2-360M backbone, 32-d latents, a 1536-wide 8-block speak head
// as MAR-H's diffusion head width): 492.8M parameters, 522.9M with CodecConfig.Paper (30.1M),
// the ≈530M of the MichiAI post. The speak head runs flow_steps times per frame, so its size
// is the knob between fidelity and frame time (1024×6 would be 36M instead of 104M).
using System.Text.Json;
using System.Text.Json.Serialization;
using Michi.Model.Backbone;

namespace Michi.Model.Speech;

public sealed record SpeechLmConfig
{
    public const string FileName = "config.json";
    public const string ModelTypeName = "michi_speech_lm";

    /// <summary>The added tokens, in id order after the backbone's vocabulary.</summary>
    public static IReadOnlyList<string> AddedTokenNames { get; } = ["<|pad|>", "<|start_of_speech|>", "<|end_of_turn|>"];

    [JsonPropertyName("model_type")] public string ModelType { get; init; } = ModelTypeName;

    /// <summary>The backbone preset this model was built from ("smollm2-360m"); informational
    /// in a model directory, where backbone/config.json is authoritative.</summary>
    [JsonPropertyName("backbone_preset")] public string? BackbonePreset { get; init; }

    /// <summary>The backbone's vocabulary size; added tokens start at this id.</summary>
    [JsonPropertyName("text_vocab_size")] public int TextVocabSize { get; init; }

    [JsonPropertyName("latent_dim")] public int LatentDim { get; init; } = 32;
    [JsonPropertyName("frame_ms")] public int FrameMs { get; init; } = 80;

    /// <summary>Euler steps when sampling a latent (DESIGN.md: default ≤ 4).</summary>
    [JsonPropertyName("flow_steps")] public int FlowSteps { get; init; } = 4;

    /// <summary>Default noise scale of the flow's source distribution at inference.</summary>
    [JsonPropertyName("flow_temperature")] public double FlowTemperature { get; init; } = 1.0;

    /// <summary>Noise draws per frame in the flow-matching loss (MAR's diffusion_batch_mul).</summary>
    [JsonPropertyName("flow_samples_per_frame")] public int FlowSamplesPerFrame { get; init; } = 4;

    [JsonPropertyName("speak_head_width")] public int SpeakHeadWidth { get; init; } = 1024;
    [JsonPropertyName("speak_head_depth")] public int SpeakHeadDepth { get; init; } = 6;

    /// <summary>Frames between the audio of a heard word and its token in the listen text head's
    /// output (targets are placed that many frames after the word's audio starts).</summary>
    [JsonPropertyName("listen_lag_frames")] public int ListenLagFrames { get; init; } = 3;

    /// <summary>User latents the listen text head sees per output frame (the current one and
    /// those before it); must exceed the lag.</summary>
    [JsonPropertyName("listen_window_frames")] public int ListenWindowFrames { get; init; } = 8;

    [JsonPropertyName("listen_head_width")] public int ListenHeadWidth { get; init; } = 512;
    [JsonPropertyName("listen_head_depth")] public int ListenHeadDepth { get; init; } = 2;

    /// <summary>Learned stream vectors: the audio-in projections get a bias, one learned vector per
    /// stream (model, user) added at every speech frame and never at text-only positions.</summary>
    [JsonPropertyName("stream_vectors")] public bool StreamVectors { get; init; } = true;

    /// <summary>λ in loss = text CE + λ·flow (+ listen weight · listen CE).</summary>
    [JsonPropertyName("flow_loss_weight")] public double FlowLossWeight { get; init; } = 1.0;
    [JsonPropertyName("listen_loss_weight")] public double ListenLossWeight { get; init; } = 1.0;

    /// <summary>The backbone's config: backbone/config.json in a directory, or the preset.</summary>
    [JsonIgnore] public LlamaConfig Backbone { get; init; } = null!;

    [JsonPropertyName("pad_token_id")] public int PadId => TextVocabSize;
    [JsonPropertyName("start_of_speech_token_id")] public int StartOfSpeechId => TextVocabSize + 1;
    [JsonPropertyName("end_of_turn_token_id")] public int EndOfTurnId => TextVocabSize + 2;

    /// <summary>Backbone vocabulary plus the added tokens: the text head's width.</summary>
    [JsonPropertyName("vocab_size")] public int VocabSize => TextVocabSize + AddedTokenNames.Count;

    [JsonIgnore] public int AddedTokenCount => AddedTokenNames.Count;
    [JsonIgnore] public int HiddenSize => Backbone.HiddenSize;

    /// <summary>A config over <paramref name="backbone"/> with default head shapes.</summary>
    public static SpeechLmConfig For(LlamaConfig backbone, string? presetName = null) =>
        new() { Backbone = backbone, BackbonePreset = presetName, TextVocabSize = backbone.VocabSize };

    /// <summary>Tests: the tiny-llama fixture's backbone, latent 8 (CodecConfig.Tiny), small heads.</summary>
    public static SpeechLmConfig Tiny { get; } = For(LlamaConfig.Tiny, "tiny") with
    {
        LatentDim = 8, SpeakHeadWidth = 64, SpeakHeadDepth = 2, ListenLagFrames = 2, ListenWindowFrames = 4,
        ListenHeadWidth = 32, ListenHeadDepth = 1, FlowSamplesPerFrame = 2,
    };

    /// <summary>The paper-sized model: SmolLM2-360M backbone, 32-d latents.</summary>
    public static SpeechLmConfig Paper { get; } = For(LlamaConfig.SmolLM2_360M, "smollm2-360m") with
    {
        SpeakHeadWidth = 1536, SpeakHeadDepth = 8,
    };

    public static IReadOnlyList<string> PresetNames { get; } = ["tiny", "paper"];

    /// <summary>The preset with this name ("tiny", "paper"), or null.</summary>
    public static SpeechLmConfig? Preset(string name) => name.ToLowerInvariant() switch
    {
        "tiny" => Tiny,
        "paper" => Paper,
        _ => null,
    };

    /// <summary>The first problem that makes this config unusable, or null.</summary>
    public string? Validate()
    {
        if (ModelType != ModelTypeName) return $"model_type \"{ModelType}\" is not \"{ModelTypeName}\"";
        if (Backbone is null) return "no backbone config attached";
        if (Backbone.Validate() is { } backboneProblem) return $"backbone: {backboneProblem}";
        if (TextVocabSize != Backbone.VocabSize)
            return $"text_vocab_size {TextVocabSize} differs from the backbone's vocab_size {Backbone.VocabSize}";
        if (LatentDim is < 1 or > 4096) return $"latent_dim must be in 1..4096 (got {LatentDim})";
        if (FrameMs is < 1 or > 10_000) return $"frame_ms must be in 1..10000 (got {FrameMs})";
        if (FlowSteps is < 1 or > 1000) return $"flow_steps must be in 1..1000 (got {FlowSteps})";
        if (!(FlowTemperature >= 0) || double.IsInfinity(FlowTemperature)) return $"flow_temperature must be finite and ≥ 0 (got {FlowTemperature})";
        if (FlowSamplesPerFrame is < 1 or > 64) return $"flow_samples_per_frame must be in 1..64 (got {FlowSamplesPerFrame})";
        if (SpeakHeadWidth is < 1 or > 16384) return $"speak_head_width must be in 1..16384 (got {SpeakHeadWidth})";
        if (SpeakHeadDepth is < 0 or > 64) return $"speak_head_depth must be in 0..64 (got {SpeakHeadDepth})";
        if (ListenLagFrames is < 0 or > 100) return $"listen_lag_frames must be in 0..100 (got {ListenLagFrames})";
        if (ListenWindowFrames <= ListenLagFrames || ListenWindowFrames > 200)
            return $"listen_window_frames must exceed listen_lag_frames ({ListenLagFrames}) and be ≤ 200 (got {ListenWindowFrames})";
        if (ListenHeadWidth is < 1 or > 16384) return $"listen_head_width must be in 1..16384 (got {ListenHeadWidth})";
        if (ListenHeadDepth is < 0 or > 64) return $"listen_head_depth must be in 0..64 (got {ListenHeadDepth})";
        if (!(FlowLossWeight >= 0) || double.IsInfinity(FlowLossWeight)) return $"flow_loss_weight must be finite and ≥ 0 (got {FlowLossWeight})";
        if (!(ListenLossWeight >= 0) || double.IsInfinity(ListenLossWeight)) return $"listen_loss_weight must be finite and ≥ 0 (got {ListenLossWeight})";
        return null;
    }

    private static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, WriteOptions);

    /// <summary>Reads config.json (a file, or a directory holding one). The backbone config is
    /// <paramref name="backbone"/> when given, else the backbone_preset; then everything is validated.</summary>
    public static SpeechLmConfig Load(string fileOrDirectory, LlamaConfig? backbone = null)
    {
        ArgumentNullException.ThrowIfNull(fileOrDirectory);
        string path = Directory.Exists(fileOrDirectory) ? Path.Combine(fileOrDirectory, FileName) : fileOrDirectory;
        SpeechLmConfig config = BoundedJson.Read<SpeechLmConfig>(path, "a config.json", "speech model config");
        if (config.ModelType != ModelTypeName)
            throw InvalidInputException.ForFile(path, $"model_type \"{config.ModelType}\" is not \"{ModelTypeName}\"");
        var resolved = backbone ?? (config.BackbonePreset is { } name ? LlamaConfig.Preset(name) : null)
            ?? throw InvalidInputException.ForFile(path, config.BackbonePreset is null
                ? "no backbone: backbone_preset is missing and no backbone config was given"
                : $"backbone_preset \"{config.BackbonePreset}\" is not a preset ({string.Join(", ", LlamaConfig.PresetNames)})");
        config = config with { Backbone = resolved };
        if (config.Validate() is { } problem) throw InvalidInputException.ForFile(path, problem);
        return config;
    }

    /// <summary>Writes config.json into <paramref name="directory"/> atomically.</summary>
    public void Save(string directory)
    {
        if (Validate() is { } problem) throw new InvalidOperationException($"refusing to save an invalid speech model config: {problem}");
        Directory.CreateDirectory(directory);
        AtomicFile.WriteAllText(Path.Combine(directory, FileName), ToJson());
    }
}
