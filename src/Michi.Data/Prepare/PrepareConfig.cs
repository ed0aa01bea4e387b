// The `michi data prepare --config FILE` configuration (docs/data.md, "Preparation pipeline"):
// which corpora to ingest, where the prepared utterances go, how long a segment may be, how
// words are aligned, and optionally a Whisper model (transcription) and a codec + tokenizer
// (shards). snake_case JSON, unknown fields rejected (a typo must not silently change a run);
// every problem is one InvalidInputException line naming the file and the field. Relative paths
// are resolved against the config file's folder, so a config means the same from any directory.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Michi.Data.Prepare;

public sealed record PrepareSourceConfig
{
    /// <summary>"synthetic", "libritts", "ljspeech" or "folder".</summary>
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("path")] public string? Path { get; init; }

    /// <summary>Prefix of this source's output names (default: its type); unique per config.</summary>
    [JsonPropertyName("name")] public string? Name { get; init; }

    /// <summary>Voice name for every file of a "folder" source (default: the file's first sub-folder).</summary>
    [JsonPropertyName("speaker")] public string? Speaker { get; init; }
}

public sealed record PrepareConfig
{
    public static readonly string[] SourceTypes = ["synthetic", "libritts", "ljspeech", "folder"];
    public static readonly string[] Aligners = ["pocketsphinx", "energy"];

    [JsonPropertyName("sources")] public IReadOnlyList<PrepareSourceConfig>? Sources { get; init; }
    [JsonPropertyName("output")] public string? Output { get; init; }

    /// <summary>Longer files are cut at pauses into pieces of at most this length.</summary>
    [JsonPropertyName("segment_max_seconds")] public double SegmentMaxSeconds { get; init; } = 20;

    /// <summary>"pocketsphinx" (forced alignment, energy estimate when it fails) or "energy" (estimate only).</summary>
    [JsonPropertyName("aligner")] public string Aligner { get; init; } = "pocketsphinx";

    /// <summary>A ggml Whisper model: files without a transcript are transcribed with it.</summary>
    [JsonPropertyName("whisper_model")] public string? WhisperModel { get; init; }
    [JsonPropertyName("whisper_language")] public string WhisperLanguage { get; init; } = "en";

    /// <summary>Codec model dir and tokenizer dir: with both, the run ends by writing shards.</summary>
    [JsonPropertyName("codec")] public string? Codec { get; init; }
    [JsonPropertyName("tokenizer")] public string? Tokenizer { get; init; }
    [JsonPropertyName("lead")] public int Lead { get; init; } = 2;
    [JsonPropertyName("shard_frames")] public long ShardFrames { get; init; } = 50_000;
    [JsonPropertyName("f16")] public bool Float16 { get; init; }

    static readonly JsonSerializerOptions s_options = new()
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public bool WritesShards => Codec is not null && Tokenizer is not null;

    /// <summary>Reads, validates and resolves relative paths against the file's folder.</summary>
    public static PrepareConfig Load(string path)
    {
        var config = BoundedJson.Read<PrepareConfig>(path, "a prepare config", "prepare config", s_options);
        string baseDir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        return config.Validated(path, baseDir);
    }

    /// <summary>Checks every field; paths become absolute (relative to <paramref name="baseDir"/>).</summary>
    public PrepareConfig Validated(string file, string baseDir)
    {
        InvalidInputException Bad(string field, string problem) => InvalidInputException.ForFile(file, $"{field}: {problem}");
        string Resolve(string p) => System.IO.Path.GetFullPath(p, baseDir);

        if (string.IsNullOrWhiteSpace(Output)) throw Bad("output", "required: the folder for prepared utterances");
        if (Sources is null || Sources.Count == 0) throw Bad("sources", "required: a list of {\"type\", \"path\"}");
        if (!(SegmentMaxSeconds >= 1 && SegmentMaxSeconds <= 3600)) throw Bad("segment_max_seconds", $"must be in 1..3600 (got {SegmentMaxSeconds})");
        if (!Aligners.Contains(Aligner)) throw Bad("aligner", $"must be one of {string.Join(", ", Aligners)} (got \"{Aligner}\")");
        if (Lead is < 0 or > 100) throw Bad("lead", $"must be in 0..100 (got {Lead})");
        if (ShardFrames is < 1 or > 100_000_000) throw Bad("shard_frames", $"must be in 1..100000000 (got {ShardFrames})");
        if ((Codec is null) != (Tokenizer is null)) throw Bad(Codec is null ? "codec" : "tokenizer", "shards need both codec and tokenizer");
        if (string.IsNullOrWhiteSpace(WhisperLanguage)) throw Bad("whisper_language", "must not be empty (\"en\", \"auto\", ...)");

        var sources = new List<PrepareSourceConfig>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < Sources.Count; i++)
        {
            var s = Sources[i] ?? throw Bad($"sources[{i}]", "is null");
            if (s.Type is null || !SourceTypes.Contains(s.Type))
                throw Bad($"sources[{i}].type", $"must be one of {string.Join(", ", SourceTypes)} (got {(s.Type is null ? "nothing" : $"\"{s.Type}\"")})");
            if (string.IsNullOrWhiteSpace(s.Path)) throw Bad($"sources[{i}].path", "required");
            string name = s.Name ?? s.Type;
            if (name.Length is 0 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.'))
                throw Bad($"sources[{i}].name", $"\"{name}\" must be 1–64 letters, digits, '_' or '.'");
            if (!names.Add(name))
                throw Bad($"sources[{i}].name", $"\"{name}\" is used by an earlier source; give each source a distinct name");
            if (s.Speaker is { } sp && (sp.Length is 0 or > 128 || sp.Any(char.IsControl)))
                throw Bad($"sources[{i}].speaker", "must be 1–128 printable characters");
            if (s.Speaker is not null && s.Type != "folder") throw Bad($"sources[{i}].speaker", "only a folder source takes a speaker");
            string full = Resolve(s.Path);
            if (!Directory.Exists(full)) throw Bad($"sources[{i}].path", $"{full}: folder not found");
            sources.Add(s with { Path = full, Name = name });
        }
        string output = Resolve(Output);
        foreach (var s in sources)
            if (IsInside(output, s.Path!) || IsInside(s.Path!, output))
                throw Bad("output", $"{output} overlaps the source folder {s.Path}; prepared files go to a folder of their own");
        string? whisper = WhisperModel is null ? null : Resolve(WhisperModel);
        if (whisper is not null && !File.Exists(whisper)) throw Bad("whisper_model", $"{whisper}: file not found");
        return this with
        {
            Sources = sources, Output = output, WhisperModel = whisper,
            Codec = Codec is null ? null : Resolve(Codec), Tokenizer = Tokenizer is null ? null : Resolve(Tokenizer),
        };
    }

    static bool IsInside(string dir, string maybeParent)
    {
        string a = System.IO.Path.TrimEndingDirectorySeparator(dir) + System.IO.Path.DirectorySeparatorChar;
        string b = System.IO.Path.TrimEndingDirectorySeparator(maybeParent) + System.IO.Path.DirectorySeparatorChar;
        return a.StartsWith(b, StringComparison.Ordinal);
    }
}
