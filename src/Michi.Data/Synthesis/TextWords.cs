// Maps what an engine calls words onto the words of the input text. Engines disagree about
// words: festival splits "forty-two" in two and drops "--", espeak-ng reports character offsets,
// RHVoice offsets in code points. The canonical words are the input's whitespace-separated tokens,
// punctuation attached, so that concatenating them with spaces gives the text back; every engine
// result goes through Assign, which gives each of them exactly one (start, end).
// An engine word is matched by character offset when the engine gives one, otherwise by name,
// in order (normalised to lower-case letters and digits). Words the engine did not speak (a lone
// "--") get an empty span at the previous word's end. Times are made monotonic.
using System.Text;

namespace Michi.Data.Synthesis;

/// <summary>A word as an engine reported it. <paramref name="CodePoint"/> is the offset of the
/// word in the input text in Unicode code points (-1 when the engine gives none); End is NaN when
/// the engine reports only starts.</summary>
public readonly record struct EngineWord(string Name, int CodePoint, double Start, double End);

public static class TextWords
{
    /// <summary>The whitespace-separated words of <paramref name="text"/> with their UTF-16 offsets.</summary>
    public static (string Word, int Offset)[] Split(string text)
    {
        var words = new List<(string, int)>();
        int i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            int start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i])) i++;
            if (i > start) words.Add((text[start..i], start));
        }
        return [.. words];
    }

    /// <summary>Lower-case letters and digits only: what two spellings of a word share.</summary>
    public static string Normalize(string word)
    {
        var sb = new StringBuilder(word.Length);
        foreach (char c in word)
            if (char.IsLetterOrDigit(c)) sb.Append(char.ToLowerInvariant(c));
        return sb.ToString();
    }

    /// <summary>One timing per word of <paramref name="text"/> from the engine's words.
    /// Unknown ends (NaN) become the next word's start, or <paramref name="speechEnd"/> for the last.</summary>
    public static WordTiming[] Assign(string text, IReadOnlyList<EngineWord> engineWords, double speechEnd)
    {
        var words = Split(text);
        int[] utf16OfCodePoint = CodePointOffsets(text);
        var start = new double[words.Length];
        var end = new double[words.Length];
        Array.Fill(start, double.NaN);
        Array.Fill(end, double.NaN);

        int next = 0; // name matching: each engine word takes one text word, in order
        foreach (var ew in engineWords)
        {
            if (words.Length == 0) break;
            int w = ew.CodePoint >= 0
                ? WordAtOffset(words, ew.CodePoint < utf16OfCodePoint.Length ? utf16OfCodePoint[ew.CodePoint] : text.Length)
                : MatchByName(words, next, ew.Name);
            next = Math.Max(next, w + 1);
            if (double.IsNaN(start[w]) || ew.Start < start[w]) start[w] = ew.Start;
            if (!double.IsNaN(ew.End) && (double.IsNaN(end[w]) || ew.End > end[w])) end[w] = ew.End;
            // An unknown end must not hide a later known one: mark "spoken, end unknown" as -inf.
            if (double.IsNaN(ew.End) && double.IsNaN(end[w])) end[w] = double.NegativeInfinity;
        }
        return Finish(words, start, end, speechEnd);
    }

    static WordTiming[] Finish((string Word, int Offset)[] words, double[] start, double[] end, double speechEnd)
    {
        var result = new WordTiming[words.Length];
        double previousEnd = 0, previousStart = 0;
        for (int i = 0; i < words.Length; i++)
        {
            double s = start[i], e = end[i];
            if (double.IsNaN(s)) { s = previousEnd; e = previousEnd; } // not spoken: empty span
            else if (double.IsNegativeInfinity(e) || double.IsNaN(e)) e = NextStart(start, i + 1) ?? speechEnd;
            s = Math.Max(s, previousStart);
            e = Math.Max(e, s);
            result[i] = new WordTiming(words[i].Word, s, e);
            previousStart = s;
            previousEnd = e;
        }
        return result;
    }

    static double? NextStart(double[] start, int from)
    {
        for (int j = from; j < start.Length; j++)
            if (!double.IsNaN(start[j])) return start[j];
        return null;
    }

    static int WordAtOffset((string Word, int Offset)[] words, int offset)
    {
        // The word containing the offset, or the first word after it (an offset on a space).
        for (int i = 0; i < words.Length; i++)
            if (offset < words[i].Offset + words[i].Word.Length) return i;
        return words.Length - 1;
    }

    static int MatchByName((string Word, int Offset)[] words, int from, string name)
    {
        string n = Normalize(name);
        int fallback = Math.Min(from, words.Length - 1);
        if (n.Length == 0) return fallback;
        // Look a few words ahead, since the engine may have skipped some ("--"): an equal word
        // first, then one that contains the other ("$3.50" spoken as "3.50").
        int window = Math.Min(words.Length, from + 4);
        for (int i = from; i < window; i++)
            if (Normalize(words[i].Word) == n) return i;
        for (int i = from; i < window; i++)
        {
            string w = Normalize(words[i].Word);
            if (w.Length > 0 && (w.Contains(n, StringComparison.Ordinal) || n.Contains(w, StringComparison.Ordinal)))
                return i;
        }
        return fallback;
    }

    /// <summary>UTF-16 offset of each code point of <paramref name="text"/>, plus one past the end.</summary>
    static int[] CodePointOffsets(string text)
    {
        var offsets = new List<int>(text.Length + 1);
        for (int i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1)
            offsets.Add(i);
        offsets.Add(text.Length);
        return [.. offsets];
    }
}
