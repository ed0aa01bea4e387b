// Fortune cookie files as Debian's `fortunes` package ships them (/usr/share/games/fortunes/NAME,
// next to NAME.dat indexes and NAME.u8 links): entries separated by lines holding only "%", each
// entry hard-wrapped text, often ending in an indented attribution ("\t\t-- Groucho Marx", which
// may run over further indented lines). Attributions are dropped; blank lines inside an entry
// separate paragraphs; the lines of a paragraph are joined. Backspace overstrikes (underlined
// words in "art", "computers") are resolved by TextNormalizer. Poems, code and ASCII art come
// through as paragraphs and are left to the prose filter.
using System.Text.RegularExpressions;

namespace Michi.Data.Text;

public static partial class FortuneReader
{
    public static IEnumerable<string> Paragraphs(string text)
    {
        var entry = new List<string>();
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line == "%")
            {
                foreach (string p in EntryParagraphs(entry)) yield return p;
                entry.Clear();
                continue;
            }
            entry.Add(line);
        }
        foreach (string p in EntryParagraphs(entry)) yield return p;
    }

    static IEnumerable<string> EntryParagraphs(List<string> lines)
    {
        // The attribution is the first indented "-- " line; it and everything after it go.
        int end = lines.FindIndex(l => Attribution().IsMatch(l));
        var body = end >= 0 ? lines.Take(end) : lines;
        return PlainTextReader.Paragraphs(string.Join('\n', body));
    }

    [GeneratedRegex(@"^\s+--\s*\S")]
    private static partial Regex Attribution();
}
