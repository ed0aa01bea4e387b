// Decides whether one sentence (SentenceSplitter output) is English prose worth training on and
// speaking, and says why not when it is not. The rules, in the order they are checked:
//   too_short   fewer than MinWords whitespace-separated words ("CHAPTER 1.", "HVALT, Danish.")
//   too_long    more than MaxChars characters (≈ 100 words, 40 s of speech: long 19th-century
//               periods, tables flattened to one line)
//   symbols     letters are under MinLetterFraction of the non-space characters, the line has
//               markup or code characters ({ } < > = | \ # @ ^ * _ ~), or dot leaders ("....."):
//               number tables, ASCII art, program text. Half letters still lets sentences with
//               sums of money through ("In 1890 it amounted to $62,610,000,000.")
//   all_caps    no lower-case letter at all: headings, shouting titles
//   not_latin   over 10 % of the letters are outside the Latin script (Hebrew, Greek words)
//   fragment    does not start like a sentence (upper-case letter, digit, or an opening quote or
//               bracket before one) or does not end with . ! ? (closing quotes or brackets may
//               follow): list items, headings, verse lines, the ends of bad splits
// Thresholds are options (a record) so tests and users can change them.
namespace Michi.Data.Text;

public enum DropReason { None, TooShort, TooLong, Symbols, AllCaps, NotLatin, Fragment }

public sealed record ProseFilterOptions
{
    public int MinWords { get; init; } = 3;
    public int MaxChars { get; init; } = 600;
    public double MinLetterFraction { get; init; } = 0.5;
}

public static class ProseFilter
{
    const string MarkupChars = "{}<>=|\\#@^*_~";

    /// <summary>Why <paramref name="sentence"/> is not kept, or DropReason.None when it is.</summary>
    public static DropReason Check(string sentence, ProseFilterOptions options)
    {
        if (CountWords(sentence) < options.MinWords) return DropReason.TooShort;
        if (sentence.Length > options.MaxChars) return DropReason.TooLong;

        int nonSpace = 0, letters = 0, lower = 0, latin = 0, markup = 0;
        foreach (char c in sentence)
        {
            if (c == ' ') continue;
            nonSpace++;
            if (char.IsLetter(c))
            {
                letters++;
                if (char.IsLower(c)) lower++;
                if (c < 0x250 || c is >= '\u1E00' and <= '\u1EFF') latin++; // Basic Latin … Latin Extended-B, Latin Extended Additional
            }
            else if (MarkupChars.Contains(c)) markup++;
        }
        if (letters < options.MinLetterFraction * nonSpace || markup > 0 || sentence.Contains(".....")) return DropReason.Symbols;
        if (lower == 0) return DropReason.AllCaps;
        if (latin < 0.9 * letters) return DropReason.NotLatin;
        if (!StartsLikeSentence(sentence) || !EndsLikeSentence(sentence)) return DropReason.Fragment;
        return DropReason.None;
    }

    /// <summary>snake_case name of a reason, as stats.json writes it.</summary>
    public static string Name(DropReason reason) => reason switch
    {
        DropReason.TooShort => "too_short",
        DropReason.TooLong => "too_long",
        DropReason.Symbols => "symbols",
        DropReason.AllCaps => "all_caps",
        DropReason.NotLatin => "not_latin",
        DropReason.Fragment => "fragment",
        _ => "none",
    };

    public static int CountWords(string text)
    {
        int words = 0;
        bool inWord = false;
        foreach (char c in text)
        {
            bool space = char.IsWhiteSpace(c);
            if (!space && !inWord) words++;
            inWord = !space;
        }
        return words;
    }

    static bool StartsLikeSentence(string s)
    {
        int i = 0;
        while (i < s.Length && s[i] is '"' or '\'' or '(' or '[') i++;
        return i < s.Length && (char.IsUpper(s[i]) || char.IsDigit(s[i]));
    }

    static bool EndsLikeSentence(string s)
    {
        int i = s.Length - 1;
        while (i >= 0 && s[i] is '"' or '\'' or ')' or ']') i--;
        return i >= 0 && s[i] is '.' or '!' or '?';
    }
}
