// WER edge cases: empty sides, each edit kind, normalisation, corpus weighting.
using Michi.Data.Evaluation;

namespace Michi.Data.Tests.Evaluation;

public class WordErrorRateTests
{
    static string[] W(string s) => s.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void IdenticalTextsHaveNoErrors()
    {
        var c = WordErrorRate.Count("the cat sat", "the cat sat");
        Assert.Equal(new WerCounts(0, 0, 0, 3), c);
        Assert.Equal(0, c.Rate);
    }

    [Theory]
    [InlineData("a b c", "a x c", 1, 0, 0)]          // substitution
    [InlineData("a b c", "a c", 0, 1, 0)]            // deletion
    [InlineData("a b c", "a b x c", 0, 0, 1)]        // insertion
    [InlineData("a b c d", "b c d e", 0, 1, 1)]      // shift: one deletion + one insertion, not four substitutions
    [InlineData("a b", "x y z w", 2, 0, 2)]
    public void CountsEachEditKind(string reference, string hypothesis, int s, int d, int i)
    {
        var c = WordErrorRate.Count(W(reference), W(hypothesis));
        Assert.Equal((s, d, i), (c.Substitutions, c.Deletions, c.Insertions));
        Assert.Equal(W(reference).Length, c.ReferenceWords);
    }

    [Fact]
    public void EmptySides()
    {
        Assert.Equal(1.0, WordErrorRate.Count(W("one two three"), []).Rate);            // all deleted
        Assert.Equal(new WerCounts(0, 0, 2, 0), WordErrorRate.Count([], W("uh huh")));
        Assert.Equal(double.PositiveInfinity, WordErrorRate.Count([], W("uh huh")).Rate);
        Assert.Equal(0, WordErrorRate.Count([], []).Rate);
        Assert.Equal(3.0, WordErrorRate.Count(W("a"), W("b c d")).Rate);                 // insertions push WER above 1
    }

    [Fact]
    public void NormalisationIgnoresCasePunctuationAndSpelling()
    {
        Assert.Equal(["hello", "don't", "teen", "aged", "the", "trap"], WordErrorRate.Normalize("Hello, don't   teen-aged 'The Trap!'"));
        Assert.Equal(0, WordErrorRate.Count("Woe to the worthless shepherd who leaves the flock!", "woe to the worthless shepherd who leaves the flock").Edits);
        // Numbers as the text writes them, read out: a recogniser hears words.
        Assert.Equal(["forty", "two", "dollars"], WordErrorRate.Normalize("$42"));
        Assert.Equal(0, WordErrorRate.Count("It cost 42 dollars.", "it cost forty two dollars").Edits);
        Assert.Empty(WordErrorRate.Normalize(" -- ... "));
    }

    [Fact]
    public void CorpusRateWeighsByReferenceLength()
    {
        var shortBad = WordErrorRate.Count(W("a"), W("b"));                      // 1/1
        var longGood = WordErrorRate.Count(W("a b c d e f g h i"), W("a b c d e f g h i"));   // 0/9
        var total = WordErrorRate.Sum([shortBad, longGood]);
        Assert.Equal(0.1, total.Rate, 12);                                      // not the mean of 1 and 0
        Assert.Equal(WerCounts.Zero, WordErrorRate.Sum([]));
    }
}
