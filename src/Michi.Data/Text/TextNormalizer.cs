// Character-level clean-up shared by every text source, applied to a paragraph before it is cut
// into sentences: terminal overstrikes resolved ("____\b\b\b\bBODY" → "BODY", as a terminal
// shows it), typographic quotes made plain ASCII quotes (TeX ``…'' too), dashes made one spaced
// em dash (" — ": "ago—never" and "ago--never" are two words to a tokenizer and to a TTS word
// aligner, which both split on whitespace), "…" written as "...", ligatures spelled out, control
// and invisible format characters (zero-width space, soft hyphen, BOM) removed, every run of
// whitespace one space. HTML entities ("&quot;", "&amp;" in the SOTU transcripts) are decoded.
// Emphasis and footnote markers ("*software*", "_Lassie_", "the sperm whale.*") lose their
// asterisks and underscores; a free-standing "*" stays (the prose filter drops such lines).
// The project builds with InvariantGlobalization, where
// string.Normalize(NFKC) does nothing, so the few compatibility mappings that matter for
// English prose are explicit here.
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Michi.Data.Text;

public static partial class TextNormalizer
{
    /// <summary>The normalised paragraph: one line, single spaces, trimmed.</summary>
    public static string Normalize(string text)
    {
        if (text.Contains('\b')) text = ResolveOverstrikes(text);
        if (text.Contains('&')) text = WebUtility.HtmlDecode(text);
        var sb = new StringBuilder(text.Length + 16);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            char next = i + 1 < text.Length ? text[i + 1] : '\0';
            switch (c)
            {
                case '‘' or '’' or '‚' or '‛' or '′' or '`' when !(c == '`' && next == '`'):
                    sb.Append('\'');
                    break;
                case '`' or '\'' when next == c:
                    sb.Append('"'); // TeX-style ``quote''
                    i++;
                    break;
                case '“' or '”' or '„' or '‟' or '″' or '«' or '»':
                    sb.Append('"');
                    break;
                case '—' or '―':
                    sb.Append(" — ");
                    break;
                case '-' when next == '-':
                    while (i + 1 < text.Length && text[i + 1] == '-') i++;
                    sb.Append(" — ");
                    break;
                case '–': // en dash: a range between digits ("1861–1865"), otherwise a dash
                    bool range = i > 0 && char.IsDigit(text[i - 1]) && char.IsDigit(next);
                    sb.Append(range ? "-" : " — ");
                    break;
                case '\uFFFD': // an invalid byte in the raw file (RawTextFile)
                    sb.Append(' ');
                    break;
                case '…':
                    sb.Append("...");
                    break;
                case 'ﬀ': sb.Append("ff"); break;
                case 'ﬁ': sb.Append("fi"); break;
                case 'ﬂ': sb.Append("fl"); break;
                case 'ﬃ': sb.Append("ffi"); break;
                case 'ﬄ': sb.Append("ffl"); break;
                default:
                    if (char.IsWhiteSpace(c)) sb.Append(' ');
                    else if (char.IsHighSurrogate(c) && char.IsLowSurrogate(next)) { sb.Append(c).Append(next); i++; }
                    else if (IsDropped(c)) { }
                    else sb.Append(c);
                    break;
            }
        }
        string result = CollapseSpaces(sb);
        return result.Contains('*') || result.Contains('_') ? Emphasis().Replace(result, "") : result;
    }

    // Runs of * or _ that touch a word on one side and a space (or the text's edge) on the other.
    [GeneratedRegex(@"(?<=[\w.,;:!?'""])[*_]+(?=\s|$|[.,;:!?'""])|(?<=^|\s|['""(])[*_]+(?=[\w'""])")]
    private static partial Regex Emphasis();

    /// <summary>What a terminal shows for text with backspaces: a backspace moves back one
    /// column and the next character overwrites it, except that an underscore over a character
    /// (underlining) leaves the character.</summary>
    public static string ResolveOverstrikes(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (string line in text.Split('\n'))
        {
            if (result.Length > 0) result.Append('\n');
            var buf = new List<char>(line.Length);
            int cursor = 0;
            foreach (char c in line)
            {
                if (c == '\b') { if (cursor > 0) cursor--; continue; }
                if (cursor < buf.Count)
                {
                    if (c != '_') buf[cursor] = c;
                }
                else buf.Add(c);
                cursor++;
            }
            result.Append(buf.ToArray());
        }
        return result.ToString();
    }

    // Control characters, invisible format characters (zero-width space, soft hyphen, BOM,
    // bidi marks), lone surrogates and unassigned code points.
    static bool IsDropped(char c) => CharUnicodeInfo.GetUnicodeCategory(c) is
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or
        UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;

    static string CollapseSpaces(StringBuilder sb)
    {
        var result = new StringBuilder(sb.Length);
        bool space = false;
        for (int i = 0; i < sb.Length; i++)
        {
            char c = sb[i];
            if (c == ' ') { space = result.Length > 0; continue; }
            if (space) result.Append(' ');
            space = false;
            result.Append(c);
        }
        return result.ToString();
    }
}
