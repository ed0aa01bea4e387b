// Word error rate: the minimum number of word substitutions, deletions and insertions turning
// the reference into the hypothesis (Levenshtein distance over words), divided by the number of
// reference words. Corpus WER sums edits and reference words over all utterances before dividing
// (the NIST sclite / jiwer convention), so long utterances weigh by their length and a short
// utterance cannot dominate.
// Both sides are normalised the same way before counting: written words become the tokens a
// recogniser's dictionary holds (Synthesis.SpokenForm: lower case, punctuation stripped with
// inner apostrophes kept, hyphenated compounds split, numbers read out as the text writes them,
// "42" → "forty two"), so spelling and punctuation never count as errors.
// Reference: NIST SCTK sclite (alignment by minimum edit distance); jiwer's corpus measure.
using Michi.Data.Synthesis;

namespace Michi.Data.Evaluation;

/// <summary>Edit counts of one utterance or a sum over many; <see cref="Rate"/> is their WER.</summary>
public sealed record WerCounts(int Substitutions, int Deletions, int Insertions, int ReferenceWords)
{
    public static WerCounts Zero { get; } = new(0, 0, 0, 0);

    public int Edits => Substitutions + Deletions + Insertions;

    /// <summary>Edits per reference word: 0 for a perfect match, above 1 when insertions pile up;
    /// with no reference words 0 if the hypothesis is empty too, else +∞.</summary>
    public double Rate => ReferenceWords > 0 ? (double)Edits / ReferenceWords : Edits == 0 ? 0 : double.PositiveInfinity;

    public static WerCounts operator +(WerCounts a, WerCounts b) =>
        new(a.Substitutions + b.Substitutions, a.Deletions + b.Deletions, a.Insertions + b.Insertions, a.ReferenceWords + b.ReferenceWords);
}

public static class WordErrorRate
{
    /// <summary>The scored words of a text: SpokenForm tokens of each whitespace-separated word.</summary>
    public static List<string> Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        foreach (string word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            words.AddRange(SpokenForm.Tokens(word));
        return words;
    }

    /// <summary>Counts for two texts, both normalised.</summary>
    public static WerCounts Count(string reference, string hypothesis) => Count(Normalize(reference), Normalize(hypothesis));

    /// <summary>Counts for two word sequences compared as they are (ordinal).</summary>
    public static WerCounts Count(IReadOnlyList<string> reference, IReadOnlyList<string> hypothesis)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(hypothesis);
        int n = reference.Count, m = hypothesis.Count;
        // Two DP rows over the hypothesis; each cell carries its edit breakdown so no backtrace
        // matrix is needed. Row i, column j: best alignment of reference[..i] with hypothesis[..j].
        var previous = new Cell[m + 1];
        var current = new Cell[m + 1];
        for (int j = 0; j <= m; j++) previous[j] = new Cell(0, 0, j);
        for (int i = 1; i <= n; i++)
        {
            current[0] = new Cell(0, i, 0);
            for (int j = 1; j <= m; j++)
            {
                bool same = string.Equals(reference[i - 1], hypothesis[j - 1], StringComparison.Ordinal);
                // Ties prefer the diagonal (a match or substitution), then a deletion: the usual sclite choice.
                Cell best = previous[j - 1].With(substitution: same ? 0 : 1);
                Cell deletion = previous[j].With(deletion: 1);
                if (deletion.Edits < best.Edits) best = deletion;
                Cell insertion = current[j - 1].With(insertion: 1);
                if (insertion.Edits < best.Edits) best = insertion;
                current[j] = best;
            }
            (previous, current) = (current, previous);
        }
        var last = previous[m];
        return new WerCounts(last.Substitutions, last.Deletions, last.Insertions, n);
    }

    /// <summary>Corpus counts: edits and reference words summed over utterances.</summary>
    public static WerCounts Sum(IEnumerable<WerCounts> counts) => counts.Aggregate(WerCounts.Zero, (a, b) => a + b);

    readonly record struct Cell(int Substitutions, int Deletions, int Insertions)
    {
        public int Edits => Substitutions + Deletions + Insertions;

        public Cell With(int substitution = 0, int deletion = 0, int insertion = 0) =>
            new(Substitutions + substitution, Deletions + deletion, Insertions + insertion);
    }
}
