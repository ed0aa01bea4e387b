// A rule-based English sentence splitter for normalised paragraphs (TextNormalizer output: one
// line, single spaces). A sentence ends at ".", "!" or "?" (runs such as "?!" or "..." count as
// one end), followed by any closing quotes or brackets, a space, and then the start of a new
// sentence: an upper-case letter or a digit, possibly behind opening quotes or brackets. A period
// does not end a sentence after
//   - a title or other common abbreviation (Mr. Mrs. Ms. Dr. St. Jr. Gen. Capt. Jan. vs. …),
//   - a single letter other than "I" (initials: "J. R. R. Tolkien", "John F. Kennedy"),
//   - a dotted initialism ("U.S.", "A.D.") followed by a capitalised word: the common case in
//     these sources is "the U.S. Government", so this errs towards longer lines,
//   - "No." or "Nos." before a number ("No. 5").
// Words that often end a sentence ("etc.", "Inc.", "a.m.") are deliberately not in the list.
// Errors of this kind of splitter are merges and rare false splits; the prose filter drops the
// lines that come out too long.
namespace Michi.Data.Text;

public static class SentenceSplitter
{
    // Compared case-sensitively, without the period.
    static readonly HashSet<string> s_abbreviations = new(StringComparer.Ordinal)
    {
        "Mr", "Mrs", "Ms", "Messrs", "Mmes", "Mme", "Mlle", "Dr", "Drs", "St", "Ste", "Jr", "Sr", "Esq",
        "Prof", "Rev", "Revd", "Hon", "Gen", "Gov", "Govt", "Sen", "Rep", "Reps", "Pres", "Supt", "Col", "Lt", "Capt", "Cmdr",
        "Comdr", "Maj", "Sgt", "Cpl", "Pvt", "Adm", "Brig", "Fr", "Bros", "Mt", "Ft", "Ave", "Blvd",
        "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
        "vs", "viz", "cf", "e.g", "i.e", "ca", "approx", "Vol", "vol", "Ch", "ch", "Art", "Sec", "sec", "pp", "Fig", "fig",
    };

    static readonly HashSet<string> s_numberAbbreviations = new(StringComparer.Ordinal) { "No", "Nos", "no", "nos" };

    /// <summary>The sentences of a normalised paragraph, trimmed, in order.</summary>
    public static List<string> Split(string paragraph)
    {
        var sentences = new List<string>();
        int start = 0;
        int n = paragraph.Length;
        for (int i = 0; i < n; i++)
        {
            char c = paragraph[i];
            if (c is not ('.' or '!' or '?')) continue;
            int end = i;
            while (end + 1 < n && paragraph[end + 1] is '.' or '!' or '?') end++;
            while (end + 1 < n && IsCloser(paragraph[end + 1])) end++;
            // A boundary needs a space, then a sentence start.
            if (end + 2 >= n || paragraph[end + 1] != ' ') { i = end; continue; }
            int next = end + 2;
            while (next < n && IsOpener(paragraph[next])) next++;
            if (next >= n || !(char.IsUpper(paragraph[next]) || char.IsDigit(paragraph[next]))) { i = end; continue; }
            // A lone period right before the space may close an abbreviation; "...", "?!" and a
            // period inside closing quotes ("Go.") always end the sentence.
            if (c == '.' && i == end && !EndsSentence(paragraph, start, i, next)) { i = end; continue; }
            sentences.Add(paragraph[start..(end + 1)].Trim());
            start = end + 2;
            i = end + 1;
        }
        if (start < n)
        {
            string last = paragraph[start..].Trim();
            if (last.Length > 0) sentences.Add(last);
        }
        return sentences;
    }

    /// <summary>Whether the period at <paramref name="dot"/> ends a sentence, judged by the
    /// word it closes (from the last space before it) and the word after.</summary>
    static bool EndsSentence(string text, int sentenceStart, int dot, int nextWord)
    {
        int wordStart = dot;
        while (wordStart > sentenceStart && text[wordStart - 1] != ' ') wordStart--;
        // Leading quotes or brackets are not part of the word: ("Mr. → Mr
        while (wordStart < dot && IsOpener(text[wordStart])) wordStart++;
        string word = text[wordStart..dot];
        if (word.Length == 0) return true;
        if (s_abbreviations.Contains(word)) return false;
        // An initial, except "I": a sentence ending in the pronoun is far more common in prose
        // than a person with the initial I.
        if (word.Length == 1 && char.IsLetter(word[0]) && word[0] != 'I') return false;
        if (IsInitialism(word)) return false;                         // U.S. Government
        if (s_numberAbbreviations.Contains(word) && char.IsDigit(text[nextWord])) return false;
        return true;
    }

    // "U.S", "A.D", "e.g", "i.e" (the final period is the one being judged).
    static bool IsInitialism(string word)
    {
        if (word.Length < 3) return false;
        for (int i = 0; i < word.Length; i++)
        {
            bool letterSlot = i % 2 == 0;
            if (letterSlot ? !char.IsLetter(word[i]) : word[i] != '.') return false;
        }
        return word.Length % 2 == 1;
    }

    static bool IsCloser(char c) => c is '"' or '\'' or ')' or ']' or '}' or '’' or '”';

    static bool IsOpener(char c) => c is '"' or '\'' or '(' or '[' or '{' or '‘' or '“';
}
