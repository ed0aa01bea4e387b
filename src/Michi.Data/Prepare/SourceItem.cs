// One input file of `data prepare` as an ingestor found it: where its audio is, where its words
// come from (a transcript file, a line of LJSpeech's metadata.csv, or this project's NAME.json
// with exact times), what the prepared utterance will be called and whose voice it is. Reading
// is left to the task, so an unreadable file is that file's failure, not the run's.
using System.Text.Json.Serialization;

namespace Michi.Data.Prepare;

public sealed record SourceItem
{
    /// <summary>The source's name (config "name", default its type).</summary>
    public required string Source { get; init; }

    /// <summary>The audio file's path relative to the source folder, '/'-separated.</summary>
    public required string Input { get; init; }

    public required string AudioPath { get; init; }

    /// <summary>Base name of the prepared utterance(s): NAME.wav + NAME.json, or NAME-000… when segmented.</summary>
    public required string Name { get; init; }

    public required string Voice { get; init; }

    /// <summary>The record's "engine": the source type for recorded corpora.</summary>
    public required string Engine { get; init; }

    /// <summary>A .txt/.lab/.normalized.txt file holding the transcript.</summary>
    public string? TranscriptPath { get; init; }

    /// <summary>A transcript given inline (LJSpeech metadata.csv).</summary>
    public string? Transcript { get; init; }

    /// <summary>A synthetic corpus's NAME.json: text and exact word times.</summary>
    public string? RecordPath { get; init; }

    /// <summary>Identifies the input in the manifest: "SOURCE/INPUT".</summary>
    public string Key => $"{Source}/{Input}";
}

public sealed record PrepareFailure(
    [property: JsonPropertyName("input")] string Input,
    [property: JsonPropertyName("reason")] string Reason);

public sealed record IngestResult(List<SourceItem> Items, List<PrepareFailure> Failures);
