namespace Michi.Runtime.Tests;

public class SamplingTests
{
    [Fact]
    public void TopKKeepsTheKBestAndTheirTies()
    {
        float[] logits = [1, 5, 3, 5, 2, 4];
        Sampling.MaskTopK(logits, 3);
        Assert.Equal([float.NegativeInfinity, 5, float.NegativeInfinity, 5, float.NegativeInfinity, 4], logits);

        float[] ties = [1, 3, 3, 3, 0];
        Sampling.MaskTopK(ties, 2);   // the 2nd best is 3, shared by three tokens: all stay
        Assert.Equal([float.NegativeInfinity, 3, 3, 3, float.NegativeInfinity], ties);

        float[] off = [1, 2, 3];
        Sampling.MaskTopK(off, 0);
        Assert.Equal([1, 2, 3], off);
    }

    [Fact]
    public void TopPKeepsTheSmallestNucleus()
    {
        // Probabilities 0.5, 0.3, 0.15, 0.05.
        float[] logits = [MathF.Log(0.5f), MathF.Log(0.3f), MathF.Log(0.15f), MathF.Log(0.05f)];
        float[] p70 = (float[])logits.Clone();
        Sampling.MaskTopP(p70, 0.7);       // 0.5 alone is short of 0.7; 0.5 + 0.3 covers it
        Assert.Equal([false, false, true, true], p70.Select(float.IsNegativeInfinity));

        float[] p90 = (float[])logits.Clone();
        Sampling.MaskTopP(p90, 0.9);       // needs 0.5 + 0.3 + 0.15
        Assert.Equal([false, false, false, true], p90.Select(float.IsNegativeInfinity));

        float[] tiny = (float[])logits.Clone();
        Sampling.MaskTopP(tiny, 0.01);     // the best token always survives
        Assert.Equal([false, true, true, true], tiny.Select(float.IsNegativeInfinity));
    }

    [Fact]
    public void RepetitionPenaltyDividesPositivesAndMultipliesNegativesOnce()
    {
        float[] logits = [2, -2, 2, -2];
        Sampling.ApplyRepetitionPenalty(logits, [0, 1, 0, 0, 1], 2.0);
        Assert.Equal([1, -4, 2, -2], logits);
    }

    [Fact]
    public void TemperatureScalesLogits()
    {
        float[] logits = [1, -3];
        Sampling.ApplyTemperature(logits, 0.5);
        Assert.Equal([2, -6], logits);
    }

    [Fact]
    public void SeededSamplingReproducesAndSeedsDiffer()
    {
        float[] flat = Enumerable.Repeat(0f, 1000).ToArray();
        int[] Draw(int seed)
        {
            var random = new Random(seed);
            return Enumerable.Range(0, 20).Select(_ => Sampling.Sample(flat, random)).ToArray();
        }
        Assert.Equal(Draw(7), Draw(7));
        Assert.NotEqual(Draw(7), Draw(8));
    }

    [Fact]
    public void DrawsFollowTheDistributionAndNeverPickMaskedTokens()
    {
        float[] logits = [MathF.Log(0.7f), MathF.Log(0.2f), MathF.Log(0.1f), float.NegativeInfinity];
        var random = new Random(1);
        var counts = new int[4];
        const int n = 20000;
        for (int i = 0; i < n; i++) counts[Sampling.Sample(logits, random)]++;
        Assert.InRange(counts[0] / (double)n, 0.68, 0.72);
        Assert.InRange(counts[1] / (double)n, 0.185, 0.215);
        Assert.Equal(0, counts[3]);
    }

    [Fact]
    public void GreedyIgnoresTemperatureButAppliesThePenalty()
    {
        float[] logits = [3, 2, 1];
        var options = new GenerationOptions { Greedy = true, RepetitionPenalty = 2.0, Temperature = 0.1 };
        Assert.Equal(1, Sampling.Choose((float[])logits.Clone(), options, [0], new Random(0)));   // 3/2 < 2
        Assert.Equal(0, Sampling.Choose((float[])logits.Clone(), options with { RepetitionPenalty = 1.0 }, [0], new Random(0)));
    }

    [Fact]
    public void LogProbabilityIsLogSoftmax()
    {
        float[] logits = [1, 2, 3];
        double expected = 2 - Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3));
        Assert.Equal(expected, Sampling.LogProbability(logits, 1), 6);
    }

    [Theory]
    [InlineData(-1, 1.0, 0, 1.0, 1.0, "max new tokens")]
    [InlineData(5, 0.0, 0, 1.0, 1.0, "temperature")]
    [InlineData(5, 1.0, -2, 1.0, 1.0, "top-k")]
    [InlineData(5, 1.0, 0, 1.5, 1.0, "top-p")]
    [InlineData(5, 1.0, 0, 1.0, 0.0, "repetition penalty")]
    public void BadOptionsAreRefusedByName(int max, double temperature, int topK, double topP, double penalty, string named)
    {
        var options = new GenerationOptions { MaxNewTokens = max, Temperature = temperature, TopK = topK, TopP = topP, RepetitionPenalty = penalty };
        Assert.Contains(named, Assert.Throws<InvalidInputException>(options.Validate).Message);
    }
}
