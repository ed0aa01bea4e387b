// TextNormalizer: quotes, dashes, overstrikes, entities, emphasis markers, invisible characters.
using Michi.Data.Text;

namespace Michi.Data.Tests.Text;

public class TextNormalizerTests
{
    [Theory]
    [InlineData("“Don’t,” she said.", "\"Don't,\" she said.")]
    [InlineData("``Quoted,'' he said.", "\"Quoted,\" he said.")]
    [InlineData("ago—never mind", "ago — never mind")]
    [InlineData("ago--never mind", "ago — never mind")]
    [InlineData("from 1861–1865 – a war", "from 1861-1865 — a war")]
    [InlineData("Wait… what", "Wait... what")]
    [InlineData("  many \t spaces\n\nand\r\nlines  ", "many spaces and lines")]
    [InlineData("a\u00A0b\u200Bc\u00ADd\uFEFF", "a bcd")]
    [InlineData("the ﬁrst ﬂag", "the first flag")]
    [InlineData("The act &quot;directing&quot; &amp; more", "The act \"directing\" & more")]
    [InlineData("characteristics of *software*, and _Lassie_.", "characteristics of software, and Lassie.")]
    [InlineData("the sperm whale.* Next", "the sperm whale. Next")]
    [InlineData("snake_case stays", "snake_case stays")]
    [InlineData("bad\uFFFDbyte", "bad byte")]
    public void Normalizes(string input, string expected) => Assert.Equal(expected, TextNormalizer.Normalize(input));

    [Theory]
    [InlineData("____\b\b\b\bBODY!", "BODY!")]
    [InlineData("*___\b\b\band* fresher", "*and* fresher")]
    [InlineData("_\bb_\bo_\bl_\bd", "bold")]
    [InlineData("x\by", "y")]
    [InlineData("\bstart", "start")]
    public void ResolvesOverstrikesAsATerminalShowsThem(string input, string expected) =>
        Assert.Equal(expected, TextNormalizer.ResolveOverstrikes(input));
}
