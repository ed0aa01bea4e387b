// The Hugging Face config.json of a Llama-architecture causal LM (SmolLM, SmolLM2, Llama 2/3),
// as an immutable record with the JSON names transformers writes. Missing optional fields take
// transformers' LlamaConfig defaults (head_dim = hidden / heads, key-value heads = heads,
// rope_theta 10000, rms_norm_eps 1e-6, untied head). Load validates everything the model
// relies on and names the offending field. dtype and device are not config: they are chosen
// when a model is built.
// Presets are the published configs of HuggingFaceTB/SmolLM2-135M and SmolLM2-360M, plus
// Tiny, the shape of the tiny-llama test fixture, and Demo, a small SmolLM-shaped backbone with
// the fixture tokenizer's 959-token vocabulary that this 2-core CPU can pretrain (`michi train
// --stage text`) when no pretrained text model is at hand.
// Reference: transformers models/llama/configuration_llama.py.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Michi.Model.Backbone;

public sealed record LlamaConfig
{
    public const string FileName = "config.json";

    /// <summary>Architectures this implementation computes exactly.</summary>
    public static readonly IReadOnlyList<string> KnownArchitectures = ["LlamaForCausalLM"];

    [JsonPropertyName("architectures")] public IReadOnlyList<string>? Architectures { get; init; } = ["LlamaForCausalLM"];
    [JsonPropertyName("model_type")] public string? ModelType { get; init; } = "llama";
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; }
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; init; }
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; init; }
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; init; }

    /// <summary>As written in config.json; null means "same as num_attention_heads" (no GQA).</summary>
    [JsonPropertyName("num_key_value_heads")] public int? KeyValueHeadsSetting { get; init; }

    /// <summary>As written in config.json; null means hidden_size / num_attention_heads.</summary>
    [JsonPropertyName("head_dim")] public int? HeadDimSetting { get; init; }

    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "silu";
    [JsonPropertyName("rms_norm_eps")] public double RmsNormEps { get; init; } = 1e-6;
    [JsonPropertyName("rope_theta")] public double RopeTheta { get; init; } = 10000.0;
    [JsonPropertyName("rope_scaling")] public RopeScaling? RopeScaling { get; init; }
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; init; } = 2048;
    [JsonPropertyName("tie_word_embeddings")] public bool TieWordEmbeddings { get; init; }
    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; }
    [JsonPropertyName("attention_bias")] public bool AttentionBias { get; init; }
    [JsonPropertyName("mlp_bias")] public bool MlpBias { get; init; }
    [JsonPropertyName("bos_token_id")] public int? BosTokenId { get; init; }

    /// <summary>One id or several (Llama 3 instruct lists three); empty when absent.</summary>
    [JsonPropertyName("eos_token_id"), JsonConverter(typeof(IntOrIntListConverter))]
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    [JsonPropertyName("pad_token_id")] public int? PadTokenId { get; init; }

    /// <summary>The dtype the weights were saved in ("bfloat16"); informational.</summary>
    [JsonPropertyName("torch_dtype")] public string? TorchDtype { get; init; }

    [JsonIgnore] public int NumKeyValueHeads => KeyValueHeadsSetting ?? NumAttentionHeads;
    [JsonIgnore] public int HeadDim => HeadDimSetting ?? (NumAttentionHeads > 0 ? HiddenSize / NumAttentionHeads : 0);

    /// <summary>Query heads per key-value head.</summary>
    [JsonIgnore] public int KeyValueGroups => NumAttentionHeads / NumKeyValueHeads;

    /// <summary>SmolLM2-135M (HuggingFaceTB/SmolLM2-135M config.json).</summary>
    public static LlamaConfig SmolLM2_135M { get; } = SmolLM2(hidden: 576, intermediate: 1536, layers: 30, heads: 9, kvHeads: 3);

    /// <summary>SmolLM2-360M (HuggingFaceTB/SmolLM2-360M config.json).</summary>
    public static LlamaConfig SmolLM2_360M { get; } = SmolLM2(hidden: 960, intermediate: 2560, layers: 32, heads: 15, kvHeads: 5);

    /// <summary>The tiny-llama fixture's shape: 2 layers, hidden 64, 4 heads / 2 kv heads, tied.</summary>
    public static LlamaConfig Tiny { get; } = new()
    {
        HiddenSize = 64, IntermediateSize = 160, NumHiddenLayers = 2, NumAttentionHeads = 4, KeyValueHeadsSetting = 2,
        RmsNormEps = 1e-5, RopeTheta = 100000, MaxPositionEmbeddings = 2048, TieWordEmbeddings = true,
        VocabSize = 959, BosTokenId = 0, EosTokenIds = [0], TorchDtype = "bfloat16",
    };

    /// <summary>The demo backbone: 8 layers, hidden 256, 4 heads / 2 kv heads (head_dim 64), SwiGLU
    /// 768, tied, the fixture tokenizer's 959 tokens; 6.5M parameters.</summary>
    public static LlamaConfig Demo { get; } = new()
    {
        HiddenSize = 256, IntermediateSize = 768, NumHiddenLayers = 8, NumAttentionHeads = 4, KeyValueHeadsSetting = 2,
        RmsNormEps = 1e-5, RopeTheta = 10000, MaxPositionEmbeddings = 2048, TieWordEmbeddings = true,
        VocabSize = 959, BosTokenId = 0, EosTokenIds = [0], TorchDtype = "float32",
    };

    private static LlamaConfig SmolLM2(int hidden, int intermediate, int layers, int heads, int kvHeads) => new()
    {
        HiddenSize = hidden, IntermediateSize = intermediate, NumHiddenLayers = layers, NumAttentionHeads = heads,
        KeyValueHeadsSetting = kvHeads, RmsNormEps = 1e-5, RopeTheta = 100000, MaxPositionEmbeddings = 8192,
        TieWordEmbeddings = true, VocabSize = 49152, BosTokenId = 0, EosTokenIds = [0], TorchDtype = "bfloat16",
    };

    /// <summary>The preset with this name ("smollm2-135m", "smollm2-360m", "demo", "tiny"), or null.</summary>
    public static LlamaConfig? Preset(string name) => name.ToLowerInvariant() switch
    {
        "smollm2-135m" => SmolLM2_135M,
        "smollm2-360m" => SmolLM2_360M,
        "demo" => Demo,
        "tiny" => Tiny,
        _ => null,
    };

    public static IReadOnlyList<string> PresetNames { get; } = ["smollm2-135m", "smollm2-360m", "demo", "tiny"];

    /// <summary>Reads and validates config.json (a file, or a directory holding one).</summary>
    public static LlamaConfig Load(string fileOrDirectory)
    {
        ArgumentNullException.ThrowIfNull(fileOrDirectory);
        string path = Directory.Exists(fileOrDirectory) ? Path.Combine(fileOrDirectory, FileName) : fileOrDirectory;
        if (!File.Exists(path)) throw InvalidInputException.ForFile(path, "file not found");
        long length = new FileInfo(path).Length;
        if (length > 10_000_000) throw InvalidInputException.ForFile(path, $"{length} bytes: far too large for a config.json");
        LlamaConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<LlamaConfig>(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            string where = e is JsonException { Path: { Length: > 1 } p } ? $" at {p}" : "";
            throw InvalidInputException.ForFile(path, $"invalid config JSON{where} ({FirstLine(e.Message)})");
        }
        if (config is null) throw InvalidInputException.ForFile(path, "config is JSON null");
        string? problem = config.Validate();
        if (problem is not null) throw InvalidInputException.ForFile(path, problem);
        return config;
    }

    /// <summary>The first problem that makes this config unusable, or null.</summary>
    public string? Validate()
    {
        if (Architectures is { Count: > 0 } archs)
        {
            if (!archs.Any(a => KnownArchitectures.Contains(a)))
                return $"architectures [{string.Join(", ", archs)}] is not supported (known: {string.Join(", ", KnownArchitectures)})";
        }
        else if (ModelType != "llama")
            return $"no architectures, and model_type \"{ModelType}\" is not \"llama\"";
        if (HiddenSize <= 0) return $"hidden_size must be positive (got {HiddenSize})";
        if (IntermediateSize <= 0) return $"intermediate_size must be positive (got {IntermediateSize})";
        if (NumHiddenLayers <= 0) return $"num_hidden_layers must be positive (got {NumHiddenLayers})";
        if (NumAttentionHeads <= 0) return $"num_attention_heads must be positive (got {NumAttentionHeads})";
        if (NumKeyValueHeads <= 0) return $"num_key_value_heads must be positive (got {NumKeyValueHeads})";
        if (NumAttentionHeads % NumKeyValueHeads != 0)
            return $"num_attention_heads ({NumAttentionHeads}) must be a multiple of num_key_value_heads ({NumKeyValueHeads})";
        if (HeadDimSetting is null && HiddenSize % NumAttentionHeads != 0)
            return $"hidden_size ({HiddenSize}) must be a multiple of num_attention_heads ({NumAttentionHeads}) when head_dim is not given";
        if (HeadDim <= 0 || HeadDim % 2 != 0) return $"head_dim must be positive and even for rotary embeddings (got {HeadDim})";
        if (VocabSize <= 0) return $"vocab_size must be positive (got {VocabSize})";
        if (MaxPositionEmbeddings <= 0) return $"max_position_embeddings must be positive (got {MaxPositionEmbeddings})";
        if (!(RmsNormEps > 0) || double.IsInfinity(RmsNormEps)) return $"rms_norm_eps must be positive (got {RmsNormEps})";
        if (!(RopeTheta > 0) || double.IsInfinity(RopeTheta)) return $"rope_theta must be positive (got {RopeTheta})";
        if (HiddenAct != "silu") return $"hidden_act \"{HiddenAct}\" is not supported (silu)";
        if (AttentionBias) return "attention_bias true is not supported";
        if (MlpBias) return "mlp_bias true is not supported";
        if (BosTokenId is { } bos && (bos < 0 || bos >= VocabSize)) return $"bos_token_id {bos} is outside the vocabulary (vocab_size {VocabSize})";
        foreach (int eos in EosTokenIds)
            if (eos < 0 || eos >= VocabSize) return $"eos_token_id {eos} is outside the vocabulary (vocab_size {VocabSize})";
        return RopeScaling?.Validate();
    }

    private static string FirstLine(string s) => s.Split('\n')[0];
}
