// CorpusSplit: the dedup key and the hash split (deterministic, about the asked fraction,
// independent of what else is in the corpus).
using Michi.Data.Text;

namespace Michi.Data.Tests.Text;

public class CorpusSplitTests
{
    [Fact]
    public void KeyIgnoresCaseQuotesAndPunctuation()
    {
        Assert.Equal("dont go home", CorpusSplit.DedupKey("Don't — go   home!"));
        Assert.Equal(CorpusSplit.DedupKey("\"Don't go home!\""), CorpusSplit.DedupKey("don't go home."));
        Assert.NotEqual(CorpusSplit.DedupKey("Go home."), CorpusSplit.DedupKey("Go  homes."));
    }

    [Fact]
    public void SplitIsAboutTheFractionAndDeterministic()
    {
        var keys = Enumerable.Range(0, 20000).Select(i => $"sentence number {i} of the test").ToList();
        int validation = keys.Count(k => CorpusSplit.IsValidation(k, 0.01));
        Assert.InRange(validation, 140, 260); // 200 expected; binomial sd ≈ 14
        Assert.Equal(keys.Select(k => CorpusSplit.IsValidation(k, 0.01)), keys.Select(k => CorpusSplit.IsValidation(k, 0.01)));
        Assert.Equal(0, keys.Count(k => CorpusSplit.IsValidation(k, 0)));
        Assert.Equal(keys.Count, keys.Count(k => CorpusSplit.IsValidation(k, 1)));
    }

    [Fact]
    public void ALargerFractionOnlyAddsLines()
    {
        var keys = Enumerable.Range(0, 5000).Select(i => $"line {i}").ToList();
        Assert.All(keys.Where(k => CorpusSplit.IsValidation(k, 0.01)), k => Assert.True(CorpusSplit.IsValidation(k, 0.05)));
    }
}
