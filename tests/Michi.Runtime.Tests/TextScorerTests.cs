using Michi.Tests.Fixtures;

namespace Michi.Runtime.Tests;

public class TextScorerTests
{
    public static TheoryData<int> CaseIndexes()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < TinyLlamaFixture.ModelCases.Count; i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseIndexes))]
    public void TokenNllMatchesReference(int index)
    {
        var c = TinyLlamaFixture.ModelCases[index];
        var score = new TextScorer(FixtureModel.Directory.Model).Score(c.Ids);
        Assert.Equal(c.TokenNll.Length, score.TokenNll.Count);
        double maxDiff = score.TokenNll.Zip(c.TokenNll, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxDiff < 1e-4, $"max |Δnll| {maxDiff:E2}");
        Assert.Equal(c.MeanNll, score.MeanNll, 1e-4);
    }

    [Fact]
    public void ChunkingDoesNotChangeTheResult()
    {
        var c = TinyLlamaFixture.ModelCases.MaxBy(m => m.Ids.Length)!;
        var whole = new TextScorer(FixtureModel.Directory.Model).Score(c.Ids);
        var chunked = new TextScorer(FixtureModel.Directory.Model, chunkSize: 5).Score(c.Ids);
        Assert.Equal(whole.TokenNll.Count, chunked.TokenNll.Count);
        for (int i = 0; i < whole.TokenNll.Count; i++) Assert.Equal(whole.TokenNll[i], chunked.TokenNll[i], 1e-5);
    }

    [Fact]
    public void RefusesTooFewTokensAndUnknownIds()
    {
        var scorer = new TextScorer(FixtureModel.Directory.Model);
        Assert.Throws<InvalidInputException>(() => scorer.Score([5]));
        Assert.Throws<InvalidInputException>(() => scorer.Score([5, 959]));
    }
}
