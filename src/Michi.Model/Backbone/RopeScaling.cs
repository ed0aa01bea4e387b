// config.json's "rope_scaling": null for plain RoPE, or Llama 3.1's frequency-dependent scaling
// {"rope_type": "llama3", "factor", "low_freq_factor", "high_freq_factor",
// "original_max_position_embeddings"} (older files say "type" instead of "rope_type").
// Other kinds (linear, dynamic, yarn, longrope) are refused rather than computed wrong.
// Reference: transformers modeling_rope_utils.py _compute_llama3_parameters.
using System.Text.Json.Serialization;

namespace Michi.Model.Backbone;

public sealed record RopeScaling
{
    [JsonPropertyName("rope_type")] public string? RopeType { get; init; }
    [JsonPropertyName("type")] public string? LegacyType { get; init; }
    [JsonPropertyName("factor")] public double Factor { get; init; }
    [JsonPropertyName("low_freq_factor")] public double LowFreqFactor { get; init; }
    [JsonPropertyName("high_freq_factor")] public double HighFreqFactor { get; init; }
    [JsonPropertyName("original_max_position_embeddings")] public int OriginalMaxPositionEmbeddings { get; init; }

    [JsonIgnore] public string Kind => RopeType ?? LegacyType ?? "default";

    /// <summary>The first problem with these settings, or null.</summary>
    public string? Validate()
    {
        if (Kind == "default") return null;
        if (Kind != "llama3") return $"rope_scaling type \"{Kind}\" is not supported (null or llama3)";
        if (!(Factor > 0)) return $"rope_scaling.factor must be positive (got {Factor})";
        if (!(LowFreqFactor > 0)) return $"rope_scaling.low_freq_factor must be positive (got {LowFreqFactor})";
        if (!(HighFreqFactor > LowFreqFactor))
            return $"rope_scaling.high_freq_factor ({HighFreqFactor}) must exceed low_freq_factor ({LowFreqFactor})";
        if (OriginalMaxPositionEmbeddings <= 0)
            return $"rope_scaling.original_max_position_embeddings must be positive (got {OriginalMaxPositionEmbeddings})";
        return null;
    }
}
