// SentenceSplitter: ends of sentences, and the periods that do not end one.
using Michi.Data.Text;

namespace Michi.Data.Tests.Text;

public class SentenceSplitterTests
{
    [Theory]
    [InlineData("Call me Ishmael. Some years ago I went to sea.", "Call me Ishmael.|Some years ago I went to sea.")]
    [InlineData("Is it? Yes! It is.", "Is it?|Yes!|It is.")]
    [InlineData("He said, \"Go home.\" Then he left.", "He said, \"Go home.\"|Then he left.")]
    [InlineData("\"Go home!\" he said. We went.", "\"Go home!\" he said.|We went.")]
    [InlineData("Wait... What was that?! Nothing.", "Wait...|What was that?!|Nothing.")]
    [InlineData("It fell (as we saw.) Then it rose.", "It fell (as we saw.)|Then it rose.")]
    [InlineData("The loan was 3.5 million. In 1790. Then more.", "The loan was 3.5 million.|In 1790.|Then more.")]
    [InlineData("It ends here. \"Quoted start.\"", "It ends here.|\"Quoted start.\"")]
    public void SplitsAtSentenceEnds(string paragraph, string expected) =>
        Assert.Equal(expected.Split('|'), SentenceSplitter.Split(paragraph));

    [Theory]
    [InlineData("Mr. Starbuck met Mrs. Hussey and Dr. Bunger at St. Paul's.")]
    [InlineData("Capt. Ahab and Gen. Grant talked with Sen. Clay on Jan. 5.")]
    [InlineData("J. R. R. Tolkien met John F. Kennedy.")]
    [InlineData("The U.S. Government and the U.S.S.R. Navy agreed.")]
    [InlineData("See article No. 5 of the treaty.")]
    [InlineData("Apples, e.g. the red ones, are sweet.")]
    [InlineData("The price fell to 2.5 dollars.")]
    public void KeepsAbbreviationsAndInitialsInside(string sentence) =>
        Assert.Equal([sentence], SentenceSplitter.Split(sentence));

    [Fact]
    public void PronounIIsNotAnInitial() =>
        Assert.Equal(["So said I.", "Then we left."], SentenceSplitter.Split("So said I. Then we left."));

    [Fact]
    public void NoBoundaryBeforeALowerCaseWord() =>
        Assert.Equal(["He bought apples, pears, etc. and went home."], SentenceSplitter.Split("He bought apples, pears, etc. and went home."));

    [Fact]
    public void EtcBeforeACapitalEndsTheSentence() =>
        Assert.Equal(["He bought apples, pears, etc.", "Then he left."], SentenceSplitter.Split("He bought apples, pears, etc. Then he left."));

    [Fact]
    public void TrailingTextWithoutPunctuationIsItsOwnPiece() =>
        Assert.Equal(["One sentence.", "And a tail"], SentenceSplitter.Split("One sentence. And a tail"));

    [Fact]
    public void EmptyAndSpaceOnlyGiveNothing()
    {
        Assert.Empty(SentenceSplitter.Split(""));
        Assert.Empty(SentenceSplitter.Split(" "));
    }
}
