// ProseFilter: each rule on a line made to break it, and real prose kept.
using Michi.Data.Text;

namespace Michi.Data.Tests.Text;

public class ProseFilterTests
{
    static readonly ProseFilterOptions s_options = new();

    [Theory]
    [InlineData("Call me Ishmael.")]
    [InlineData("\"Man the mast-heads!\" cried Ahab.")]
    [InlineData("In 1890 it amounted to $62,610,000,000, an increase of 287 per cent.")]
    [InlineData("(He died in 1921.)")]
    [InlineData("Is it true?\"")]
    public void KeepsProse(string sentence) => Assert.Equal(DropReason.None, ProseFilter.Check(sentence, s_options));

    [Theory]
    [InlineData("Humph!", DropReason.TooShort)]
    [InlineData("CHAPTER 1.", DropReason.TooShort)]
    [InlineData("$296,495,301.55 and $3,000,000 in 1899.", DropReason.Symbols)]
    [InlineData("As for v7, wc -l /usr/sys/*/*.[chs] is large.", DropReason.Symbols)]
    [InlineData("<Espy> tomorrow there will be rain.", DropReason.Symbols)]
    [InlineData("Excess of payments ......... Less adjustments here.", DropReason.Symbols)]
    [InlineData("THE REMEDY IN EQUITY BY DISSOLUTION.", DropReason.AllCaps)]
    [InlineData("חן, Hebrew. ϰητος, Greek.", DropReason.NotLatin)]
    [InlineData("The Great Movie Posters:", DropReason.Fragment)]
    [InlineData("optimist, n.: A proponent of the belief.", DropReason.Fragment)]
    [InlineData("When there was a great silence, he spoke,", DropReason.Fragment)]
    public void DropsWithReason(string sentence, DropReason expected) => Assert.Equal(expected, ProseFilter.Check(sentence, s_options));

    [Fact]
    public void TooLongIsAboutMaxChars()
    {
        string sentence = "It " + string.Join(' ', Enumerable.Repeat("went", 30)) + " away.";
        Assert.Equal(DropReason.None, ProseFilter.Check(sentence, s_options with { MaxChars = sentence.Length }));
        Assert.Equal(DropReason.TooLong, ProseFilter.Check(sentence, s_options with { MaxChars = sentence.Length - 1 }));
    }

    [Fact]
    public void MinWordsIsAnOption()
    {
        Assert.Equal(DropReason.TooShort, ProseFilter.Check("Save, Yahweh!", s_options));
        Assert.Equal(DropReason.None, ProseFilter.Check("Save, Yahweh!", s_options with { MinWords = 2 }));
    }
}
