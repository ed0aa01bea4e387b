// What a recogniser's dictionary expects for a written word: lower case, punctuation stripped
// (inner apostrophes kept: "don't"), hyphenated and slashed compounds split, and numbers read
// out as English cardinals ("42" → "forty two", "3.50" → "three point five zero"; a "$" or "%"
// becomes "dollars" / "percent" after the number, a lone "&" "and"). Only ASCII tokens come out
// (the recogniser's grammar and dictionary are ASCII). Engines read some things differently
// (years, ordinals, currencies); a mismatch only blurs the alignment of that word.
using System.Text;

namespace Michi.Data.Synthesis;

public static class SpokenForm
{
    static readonly string[] s_ones =
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];
    static readonly string[] s_tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
    static readonly (long Value, string Name)[] s_scales = [(1_000_000_000_000, "trillion"), (1_000_000_000, "billion"), (1_000_000, "million"), (1000, "thousand")];

    /// <summary>The spoken tokens of one written word (possibly none, for pure punctuation).</summary>
    public static List<string> Tokens(string word)
    {
        var tokens = new List<string>();
        foreach (string part in word.Split(['-', '/', '–', '—'], StringSplitOptions.RemoveEmptyEntries))
        {
            string core = Strip(part);
            if (core.Length == 0)
            {
                if (part.Contains('&')) tokens.Add("and");
                continue;
            }
            if (char.IsDigit(core[0]) && TryNumber(core, tokens))
            {
                if (part.StartsWith('$')) tokens.Add("dollars");
                if (part.EndsWith('%')) tokens.Add("percent");
                continue;
            }
            string lower = core.ToLowerInvariant();
            if (lower.All(char.IsAscii)) tokens.Add(lower);
        }
        return tokens;
    }

    /// <summary>Letters, digits, inner apostrophes and inner decimal points/commas only.</summary>
    static string Strip(string s)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            bool inner = i > 0 && i < s.Length - 1 && char.IsLetterOrDigit(s[i - 1]) && char.IsLetterOrDigit(s[i + 1]);
            if (char.IsLetterOrDigit(c) || (inner && (c == '\'' || c == '’' || c == '.' || c == ',')))
                sb.Append(c == '’' ? '\'' : c);
        }
        return sb.ToString();
    }

    static bool TryNumber(string s, List<string> tokens)
    {
        string digits = s.Replace(",", "", StringComparison.Ordinal);
        string[] parts = digits.Split('.');
        if (parts.Length > 2 || parts[0].Length == 0 || parts[0].Length > 15 || !parts.All(p => p.All(char.IsAsciiDigit)))
            return false;
        tokens.AddRange(Cardinal(long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture)));
        if (parts.Length == 2 && parts[1].Length > 0)
        {
            tokens.Add("point");
            foreach (char d in parts[1]) tokens.Add(s_ones[d - '0']);
        }
        return true;
    }

    /// <summary>English cardinal words for 0 ≤ n &lt; 10^15.</summary>
    public static List<string> Cardinal(long n)
    {
        var words = new List<string>();
        if (n == 0) { words.Add("zero"); return words; }
        foreach (var (value, name) in s_scales)
            if (n >= value)
            {
                words.AddRange(Cardinal(n / value));
                words.Add(name);
                n %= value;
            }
        if (n >= 100)
        {
            words.Add(s_ones[n / 100]);
            words.Add("hundred");
            n %= 100;
        }
        if (n >= 20)
        {
            words.Add(s_tens[n / 10]);
            n %= 10;
            if (n > 0) words.Add(s_ones[n]);
        }
        else if (n > 0) words.Add(s_ones[n]);
        return words;
    }
}
