// One paragraph of raw text (a source reader's output) to the sentences kept for the corpus:
// TextNormalizer, SentenceSplitter, then ProseFilter on each sentence. Dropped sentences are
// handed to a callback with their reason, so stats.json can count what the rules removed and
// `michi data text --dropped` can show it.
namespace Michi.Data.Text;

public static class TextCleaner
{
    /// <summary>The kept sentences of <paramref name="paragraph"/>; every dropped one goes to
    /// <paramref name="dropped"/> with its reason.</summary>
    public static List<string> Sentences(string paragraph, ProseFilterOptions filter, Action<DropReason, string>? dropped = null)
    {
        var kept = new List<string>();
        string text = TextNormalizer.Normalize(paragraph);
        if (text.Length == 0) return kept;
        foreach (string split in SentenceSplitter.Split(text))
        {
            // `penny. "` (a closing quote the source set off with a space) → `penny."`
            string sentence = split.EndsWith(" \"", StringComparison.Ordinal) && split.Length > 2 && split[^3] is '.' or '!' or '?' or ','
                ? split[..^2] + "\"" : split;
            var reason = ProseFilter.Check(sentence, filter);
            if (reason == DropReason.None) kept.Add(sentence);
            else dropped?.Invoke(reason, sentence);
        }
        return kept;
    }

    /// <summary>Every kept sentence of one raw file's text in the given format, in order.</summary>
    public static List<string> FileSentences(string text, TextSource source, ProseFilterOptions filter, Action<DropReason, string>? dropped = null)
    {
        var kept = new List<string>();
        foreach (string paragraph in source.Paragraphs(text))
            kept.AddRange(Sentences(paragraph, filter, dropped));
        return kept;
    }
}
