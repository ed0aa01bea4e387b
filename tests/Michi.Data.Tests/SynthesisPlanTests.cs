using Michi.Data.Corpus;

namespace Michi.Data.Tests;

public class SynthesisPlanTests
{
    static readonly string[] Lines = ["one", "two", "three"];
    static readonly string[] Voices = ["x:a", "x:b", "y:c", "y:d"];

    [Fact]
    public void SamePlanForSameSeedAndIndex()
    {
        var options = new SynthesisOptions { Seed = 7 };
        for (int i = 0; i < 50; i++)
            Assert.Equal(SynthesisPlan.For(i, Lines, Voices, options), SynthesisPlan.For(i, Lines, Voices, options));
    }

    [Fact]
    public void SeedChangesChoicesAndRangesAreRespected()
    {
        var a = Enumerable.Range(0, 200).Select(i => SynthesisPlan.For(i, Lines, Voices, new SynthesisOptions { Seed = 1 })).ToList();
        var b = Enumerable.Range(0, 200).Select(i => SynthesisPlan.For(i, Lines, Voices, new SynthesisOptions { Seed = 2 })).ToList();
        Assert.NotEqual(a.Select(p => p.Rate), b.Select(p => p.Rate));
        Assert.All(a, p => Assert.InRange(p.Rate, 0.9, 1.1));
        Assert.All(a, p => Assert.InRange(p.Pitch, 0.92, 1.08));
        Assert.Equal(Voices.Order(), a.Select(p => p.VoiceId).Distinct().Order());     // every voice used
        Assert.True(a.Select(p => p.Rate).Max() - a.Select(p => p.Rate).Min() > 0.15); // spread over the range
    }

    [Fact]
    public void TextCyclesThroughTheLines()
    {
        var options = new SynthesisOptions();
        Assert.Equal(["one", "two", "three", "one"], Enumerable.Range(0, 4).Select(i => SynthesisPlan.For(i, Lines, Voices, options).Text));
        Assert.Equal("000003", SynthesisPlan.For(3, Lines, Voices, options).Name);
    }
}
