// What `data prepare` records about a run, in OUTPUT/manifest.json: every input with the SHA-256
// of its content, the settings it was prepared with, and the prepared files with their SHA-256;
// the files that failed and why; the shard summary when shards were written. Sorted and free of
// timestamps, so the same inputs and settings always give the same bytes, whether the run went
// through at once or was killed and resumed.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Michi.Data.Prepare;

public sealed record PreparedOutput(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("wav_sha256")] string WavSha256,
    [property: JsonPropertyName("json_sha256")] string JsonSha256);

/// <summary>One finished task: an input and the utterances made from it.</summary>
public sealed record PreparedInput(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("input_sha256")] string InputSha256,
    [property: JsonPropertyName("settings")] string Settings,
    [property: JsonPropertyName("outputs")] IReadOnlyList<PreparedOutput> Outputs);

public sealed record PreparedSource(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("path")] string Path);

public sealed record PreparedShards(
    [property: JsonPropertyName("folder")] string Folder,
    [property: JsonPropertyName("shards")] int Shards,
    [property: JsonPropertyName("utterances")] int Utterances,
    [property: JsonPropertyName("frames")] long Frames,
    [property: JsonPropertyName("skipped")] int Skipped);

public sealed record PrepareManifest
{
    public const string FileName = "manifest.json";
    public const string FormatName = "michi_prepare_manifest";
    public const int CurrentVersion = 1;

    [JsonPropertyName("format")] public string Format { get; init; } = FormatName;
    [JsonPropertyName("version")] public int Version { get; init; } = CurrentVersion;
    [JsonPropertyName("settings")] public string Settings { get; init; } = "";
    [JsonPropertyName("sources")] public IReadOnlyList<PreparedSource> Sources { get; init; } = [];
    [JsonPropertyName("utterances")] public int Utterances { get; init; }
    [JsonPropertyName("seconds")] public double Seconds { get; init; }
    [JsonPropertyName("inputs")] public IReadOnlyList<PreparedInput> Inputs { get; init; } = [];
    [JsonPropertyName("failures")] public IReadOnlyList<PrepareFailure> Failures { get; init; } = [];
    [JsonPropertyName("shards")] public PreparedShards? Shards { get; init; }

    internal static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>The manifest in <paramref name="outputDirectory"/>, or null when it is missing or unreadable (then everything is redone).</summary>
    public static PrepareManifest? TryLoad(string outputDirectory)
    {
        string path = Path.Combine(outputDirectory, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            var m = BoundedJson.Read<PrepareManifest>(path, "a prepare manifest", "prepare manifest", maxBytes: 1L << 30);
            return m.Format == FormatName && m.Version == CurrentVersion ? m : null;
        }
        catch (InvalidInputException)
        {
            return null;
        }
    }
}
