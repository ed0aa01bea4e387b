// The World English Bible as `diatheke -b engWEB2015eb -f OSIS -k "Gen 1:1 - Rev 22:21"` prints
// it (Debian sword-text-web + diatheke): one verse per line, "Book C:V: text" with OSIS markup
// (<w>…</w> word elements, <milestone/>, <l/>, <lg/> line-group markers, <title>), sometimes
// preceded on the same line by the last section heading diatheke saw (it repeats a stale
// heading on many verses, so everything before the reference is dropped), and a final
// "(engWEB2015eb)" line. Verses are not sentences (a sentence often runs over several verses,
// and sometimes over a chapter break), so the verses of one book are joined into one paragraph
// for the sentence splitter.
// The module has words with no space between their elements ("<w>God</w><w>created</w>"):
// adjacent word elements get a space. XML entities are decoded.
using System.Text;
using System.Text.RegularExpressions;

namespace Michi.Data.Text;

public static partial class WebBibleReader
{
    public static IEnumerable<string> Paragraphs(string text)
    {
        string? book = null;
        var verses = new StringBuilder();
        foreach (string raw in text.Split('\n'))
        {
            var m = VerseReference().Match(raw);
            if (!m.Success) continue;
            string key = m.Groups["book"].Value;
            if (key != book)
            {
                if (verses.Length > 0) yield return verses.ToString();
                verses.Clear();
                book = key;
            }
            string verse = StripMarkup(raw[(m.Index + m.Length)..]);
            if (verse.Length > 0) verses.Append(verses.Length > 0 ? " " : "").Append(verse);
        }
        if (verses.Length > 0) yield return verses.ToString();
    }

    /// <summary>Verse text without OSIS markup: adjacent word elements spaced, line markers as
    /// spaces, titles and other elements dropped with their tags only, entities decoded.</summary>
    public static string StripMarkup(string osis)
    {
        string s = AdjacentWords().Replace(osis, " ");
        s = WordTag().Replace(s, "");
        s = AnyTag().Replace(s, " ");
        return s.Replace("&lt;", "<").Replace("&gt;", ">").Replace("&quot;", "\"").Replace("&apos;", "'")
                .Replace("&amp;", "&").Trim();
    }

    // "Genesis 1:1: ", "I Samuel 3:4: ", "Esther (Greek) 1:1: ", "Revelation of John 22:21: ",
    // "Bel and the Dragon 1:1: ": the book's words, single-spaced, at the start of the line or
    // after a space or a tag (a stale heading before it ends in "." or two spaces).
    [GeneratedRegex(@"(?<=^|[\s>])(?<book>(?:[IV]{1,3} )?[A-Z][a-z]+(?: (?:[A-Z][a-z]+|of|and|the|\([A-Z][a-z]+\)))*) \d+:\d+: ")]
    private static partial Regex VerseReference();

    [GeneratedRegex(@"</w>\s*<w(?:\s[^>]*)?>")]
    private static partial Regex AdjacentWords();

    [GeneratedRegex(@"</?(?:w|title|transChange|hi|foreign|divineName|q)(?:\s[^>]*)?/?>")]
    private static partial Regex WordTag();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex AnyTag();
}
