// What `michi model info` prints about a model directory: architecture, sizes, the parameter
// count counted from the built module (a tied head counted once), the checkpoint's stored
// dtypes and the tokenizer's special ids.
namespace Michi.Model.Backbone;

public sealed record ModelSummary(
    string Architecture,
    long ParameterCount,
    [property: System.Text.Json.Serialization.JsonPropertyName("checkpoint_dtypes")] IReadOnlyList<string> CheckpointDTypes,
    int TensorCount,
    int Layers,
    int HiddenSize,
    int IntermediateSize,
    int AttentionHeads,
    int KeyValueHeads,
    int HeadDim,
    int VocabSize,
    int MaxPositions,
    double RopeTheta,
    string? RopeScaling,
    bool TiedEmbeddings,
    int TokenizerVocabSize,
    int? BosId,
    int? EosId,
    int? PadId,
    bool ChatTemplate)
{
    /// <summary>Human-readable lines, "key: value".</summary>
    public IEnumerable<string> Lines()
    {
        yield return $"architecture: {Architecture}";
        yield return $"parameters: {ParameterCount:N0} ({ParameterCount / 1e6:F1}M)";
        yield return $"checkpoint: {TensorCount} tensors, dtype {string.Join("/", CheckpointDTypes)}";
        yield return $"layers: {Layers}, hidden {HiddenSize}, intermediate {IntermediateSize}";
        yield return $"attention: {AttentionHeads} heads, {KeyValueHeads} key-value heads, head_dim {HeadDim}";
        yield return $"positions: {MaxPositions}, rope_theta {RopeTheta}{(RopeScaling is null ? "" : $", scaling {RopeScaling}")}";
        yield return $"vocabulary: {VocabSize} (tokenizer {TokenizerVocabSize}), {(TiedEmbeddings ? "tied" : "separate")} output head";
        yield return $"special ids: bos {BosId?.ToString() ?? "-"}, eos {EosId?.ToString() ?? "-"}, pad {PadId?.ToString() ?? "-"}, ChatML {(ChatTemplate ? "yes" : "no")}";
    }
}
