using Michi.Data.Synthesis;

namespace Michi.Data.Tests;

public class TextWordsTests
{
    [Fact]
    public void SplitKeepsPunctuationAndOffsets()
    {
        var words = TextWords.Split("  Hello there,  \"you\"!\n");
        Assert.Equal(["Hello", "there,", "\"you\"!"], words.Select(w => w.Word));
        Assert.Equal([2, 8, 16], words.Select(w => w.Offset));
    }

    [Fact]
    public void AssignByCodePointCountsSurrogatePairsOnce()
    {
        // "𝄞" is one code point but two UTF-16 units: engine offsets count code points.
        string text = "𝄞 ab cd";
        var timings = TextWords.Assign(text, [new EngineWord("", 0, 0.1, 0.2), new EngineWord("", 2, 0.3, 0.4), new EngineWord("", 5, 0.5, 0.6)], 1.0);
        Assert.Equal([0.1, 0.3, 0.5], timings.Select(t => t.Start));
        Assert.Equal(["𝄞", "ab", "cd"], timings.Select(t => t.Word));
    }

    [Fact]
    public void AssignByNameSkipsUnspokenWordsAndMergesNothingElse()
    {
        // festival drops "--": the words around it must still match by name.
        var timings = TextWords.Assign("that a -- test.", [new("that", -1, 0.0, 0.3), new("a", -1, 0.3, 0.4), new("test", -1, 0.5, 0.9)], 1.0);
        Assert.Equal([0.0, 0.3, 0.4, 0.5], timings.Select(t => t.Start));
        Assert.Equal(0.4, timings[2].End); // "--": empty span at the previous word's end
        Assert.Equal(0.9, timings[3].End);
    }

    [Fact]
    public void OpenEndsTakeTheNextStartAndTheLastTakesSpeechEnd()
    {
        var timings = TextWords.Assign("one two", [new("", 0, 0.1, double.NaN), new("", 4, 0.5, double.NaN)], 0.8);
        Assert.Equal(0.5, timings[0].End);
        Assert.Equal(0.8, timings[1].End);
    }

    [Fact]
    public void TimesAreMadeMonotonic()
    {
        var timings = TextWords.Assign("a b", [new("", 0, 0.5, 0.6), new("", 2, 0.2, 0.3)], 1.0);
        Assert.True(timings[1].Start >= timings[0].Start);
        Assert.All(timings, t => Assert.True(t.End >= t.Start));
    }
}
