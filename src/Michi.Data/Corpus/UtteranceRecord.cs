// NAME.json, written beside NAME.wav for every synthesised utterance: what was said, by which
// voice and settings, and when each word is spoken. The file is the completion marker: it is
// written (atomically) after the WAV, so an utterance whose JSON reads back and matches its plan
// is complete. Field names are snake_case; times are seconds from the start of the WAV.
using System.Text.Json;
using System.Text.Json.Serialization;
using Michi.Data.Synthesis;

namespace Michi.Data.Corpus;

public sealed record WordRecord(
    [property: JsonPropertyName("word")] string Word,
    [property: JsonPropertyName("start")] double Start,
    [property: JsonPropertyName("end")] double End);

public sealed record UtteranceRecord(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("engine")] string Engine,
    [property: JsonPropertyName("voice")] string Voice,
    [property: JsonPropertyName("rate")] double Rate,
    [property: JsonPropertyName("pitch")] double Pitch,
    [property: JsonPropertyName("seed")] long Seed,
    [property: JsonPropertyName("sample_rate")] int SampleRate,
    [property: JsonPropertyName("samples")] long Samples,
    [property: JsonPropertyName("duration")] double Duration,
    [property: JsonPropertyName("timing")] string Timing,
    [property: JsonPropertyName("words")] IReadOnlyList<WordRecord> Words)
{
    static readonly JsonSerializerOptions s_options = new() { WriteIndented = false };

    /// <summary>"engine_events", "utterance_structure", "forced_alignment", "energy_estimate".</summary>
    public static string TimingName(WordTimingSource source) => JsonNamingPolicy.SnakeCaseLower.ConvertName(source.ToString());

    [JsonIgnore]
    public IReadOnlyList<WordTiming> WordTimings => [.. Words.Select(w => new WordTiming(w.Word, w.Start, w.End))];

    public string ToJson() => JsonSerializer.Serialize(this, s_options);

    /// <summary>Writes atomically: a temp file in the same directory, then a rename over the target.</summary>
    public void Write(string path)
    {
        string temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(temp, ToJson() + "\n");
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads and checks a record; bad content is an InvalidInputException naming the file.</summary>
    public static UtteranceRecord Read(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"{path}: no such file", path);
        if (info.Length > 64 << 20) throw InvalidInputException.ForFile(path, "larger than 64 MiB: not an utterance record");
        UtteranceRecord? r;
        try { r = JsonSerializer.Deserialize<UtteranceRecord>(File.ReadAllText(path), s_options); }
        catch (JsonException e) { throw InvalidInputException.ForFile(path, $"not valid utterance JSON ({e.Message.ReplaceLineEndings(" ")})"); }
        if (r is null || r.Text is null || r.Words is null || r.Voice is null || r.Name is null || r.Engine is null || r.Timing is null)
            throw InvalidInputException.ForFile(path, "missing fields (need name, text, engine, voice, timing, words)");
        if (r.SampleRate <= 0 || r.Samples < 0 || !double.IsFinite(r.Duration) || r.Duration < 0)
            throw InvalidInputException.ForFile(path, "bad sample_rate, samples or duration");
        double previous = 0;
        foreach (var w in r.Words)
        {
            if (w is null || w.Word is null || !double.IsFinite(w.Start) || !double.IsFinite(w.End) || w.Start < 0 ||
                w.End < w.Start || w.Start < previous - 1e-9 || w.End > r.Duration + 1e-6)
                throw InvalidInputException.ForFile(path, $"bad word timing {JsonSerializer.Serialize(w)}");
            previous = w.Start;
        }
        return r;
    }
}
