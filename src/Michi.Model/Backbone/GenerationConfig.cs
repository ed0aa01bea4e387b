// generation_config.json of a Hugging Face model directory: the sampling defaults its authors
// chose (SmolLM2-Instruct ships temperature 0.2, top_p 0.9) and the stop ids. Every field is
// optional; Load validates ranges and names the field at fault.
// Reference: transformers generation/configuration_utils.py GenerationConfig.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Michi.Model.Backbone;

public sealed record GenerationConfig
{
    public const string FileName = "generation_config.json";

    [JsonPropertyName("bos_token_id")] public int? BosTokenId { get; init; }

    [JsonPropertyName("eos_token_id"), JsonConverter(typeof(IntOrIntListConverter))]
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    [JsonPropertyName("pad_token_id")] public int? PadTokenId { get; init; }
    [JsonPropertyName("do_sample")] public bool? DoSample { get; init; }
    [JsonPropertyName("temperature")] public double? Temperature { get; init; }
    [JsonPropertyName("top_k")] public int? TopK { get; init; }
    [JsonPropertyName("top_p")] public double? TopP { get; init; }
    [JsonPropertyName("repetition_penalty")] public double? RepetitionPenalty { get; init; }
    [JsonPropertyName("max_new_tokens")] public int? MaxNewTokens { get; init; }

    public static GenerationConfig Load(string path)
    {
        if (!File.Exists(path)) throw InvalidInputException.ForFile(path, "file not found");
        long length = new FileInfo(path).Length;
        if (length > 10_000_000) throw InvalidInputException.ForFile(path, $"{length} bytes: far too large for a generation config");
        GenerationConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<GenerationConfig>(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            string where = e is JsonException { Path: { Length: > 1 } jsonPath } ? $" at {jsonPath}" : "";
            throw InvalidInputException.ForFile(path, $"invalid generation config JSON{where} ({e.Message.Split('\n')[0]})");
        }
        if (config is null) throw InvalidInputException.ForFile(path, "generation config is JSON null");
        if (config.Temperature is { } t && !(t >= 0)) throw InvalidInputException.ForFile(path, $"temperature must be ≥ 0 (got {config.Temperature})");
        if (config.TopK is < 0) throw InvalidInputException.ForFile(path, $"top_k must be ≥ 0 (got {config.TopK})");
        if (config.TopP is { } p && !(p > 0 && p <= 1)) throw InvalidInputException.ForFile(path, $"top_p must be in (0, 1] (got {p})");
        if (config.RepetitionPenalty is { } r && !(r > 0)) throw InvalidInputException.ForFile(path, $"repetition_penalty must be > 0 (got {r})");
        if (config.MaxNewTokens is < 0) throw InvalidInputException.ForFile(path, $"max_new_tokens must be ≥ 0 (got {config.MaxNewTokens})");
        return config;
    }
}
