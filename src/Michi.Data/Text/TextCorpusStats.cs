// stats.json beside a corpus's train.txt and validation.txt: sizes per split, how many files
// and sentences went in, duplicates removed, and sentences dropped per ProseFilter rule.
// Field names are snake_case; no timestamps, so an unchanged corpus rewrites identical bytes.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Michi.Data.Text;

public sealed record SplitStats(
    [property: JsonPropertyName("lines")] int Lines,
    [property: JsonPropertyName("words")] long Words,
    [property: JsonPropertyName("characters")] long Characters,
    [property: JsonPropertyName("bytes")] long Bytes)
{
    /// <summary>Sizes of a split written one line per entry ("\n" after each): characters are
    /// Unicode code points without the newlines, bytes are the UTF-8 file size.</summary>
    public static SplitStats Of(IReadOnlyList<string> lines)
    {
        long words = 0, chars = 0, bytes = 0;
        foreach (string line in lines)
        {
            words += ProseFilter.CountWords(line);
            chars += line.EnumerateRunes().Count();
            bytes += System.Text.Encoding.UTF8.GetByteCount(line) + 1;
        }
        return new(lines.Count, words, chars, bytes);
    }
}

public sealed record TextCorpusStats(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("sources")] IReadOnlyList<string> Sources,
    [property: JsonPropertyName("files")] int Files,
    [property: JsonPropertyName("sentences")] int Sentences,
    [property: JsonPropertyName("duplicates")] int Duplicates,
    [property: JsonPropertyName("dropped")] IReadOnlyDictionary<string, int> Dropped,
    [property: JsonPropertyName("validation_fraction")] double ValidationFraction,
    [property: JsonPropertyName("train")] SplitStats Train,
    [property: JsonPropertyName("validation")] SplitStats Validation)
{
    public const string FileName = "stats.json";

    static readonly JsonSerializerOptions s_options = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, s_options);

    public static TextCorpusStats Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<TextCorpusStats>(File.ReadAllText(path), s_options)
                   ?? throw InvalidInputException.ForFile(path, "empty stats");
        }
        catch (JsonException e) { throw InvalidInputException.ForFile(path, $"not valid corpus stats JSON ({e.Message.ReplaceLineEndings(" ")})"); }
    }
}
