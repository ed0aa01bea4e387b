// The cleaning rules per raw format, on small inline samples written as each source ships them
// (fetch-text.sh): what comes out is exactly the sentences a reader would want.
using Michi.Data.Text;

namespace Michi.Data.Tests.Text;

public class SourceFormatTests
{
    static List<string> Clean(string sourceName, string raw) =>
        TextCleaner.FileSentences(raw, TextSources.For(sourceName), new ProseFilterOptions());

    [Fact]
    public void Sotu_OneLineSpeech_ReactionsAndFootnotesRemoved()
    {
        const string raw = "Thank you. (Applause.) Thank you very much. Madam Speaker, Madam Vice President—(applause)—no President " +
                           "has ever said those words. We laughed a lot. [Laughter] The Secretary of War[1] reports progress. " +
                           "The debts of [the States] are paid. THE FAR EAST. Mr. Hay and Dr. Rush agree.";
        Assert.Equal(
        [
            "Thank you very much.",
            "Madam Speaker, Madam Vice President — no President has ever said those words.",
            "We laughed a lot.",
            "The Secretary of War reports progress.",
            "The debts of the States are paid.",
            "Mr. Hay and Dr. Rush agree.",
        ], Clean("sotu", raw));
    }

    [Fact]
    public void MobyDick_TitleLineDropped_ParagraphsSplit()
    {
        const string raw = "CHAPTER 1. Loomings.\n\nCall me Ishmael. Some years ago—never mind how long precisely—I went to sea.\n\n" +
                           "     \"The ribs and terrors in the whale,      Arched over me a dismal gloom.\"\n\n" +
                           "     HVALT,               Danish.\n     WAL,                 Dutch.\n";
        Assert.Equal(
        [
            "Call me Ishmael.",
            "Some years ago — never mind how long precisely — I went to sea.",
            "\"The ribs and terrors in the whale, Arched over me a dismal gloom.\"",
        ], Clean("moby-dick", raw));
    }

    [Fact]
    public void WebBible_OsisMarkupStripped_VersesJoinedIntoSentences_StaleHeadingsDropped()
    {
        const string raw =
            "Genesis 1:1: <w>In</w> <w>the</w> <w>beginning</w>, <w>God</w><w>created</w> <w>the</w> <w>heavens</w>.<milestone type=\"line\"/>\n" +
            "Genesis 1:2: <w>The</w> <w>earth</w> <w>was</w> <w>formless</w> <w>and</w>\n" +
            "Genesis 1:3: <w>empty</w>. <w>God</w> <w>said</w>, “<w>Let</w> <w>there</w> <w>be</w> <w>light</w>.” <milestone type=\"line\"/>\n" +
            "A Psalm by David, when he fled from Absalom his son.  Psalms 3:1: Yahweh, how <w>my</w> adversaries <w>have</w> increased! Selah.<milestone type=\"line\"/>\n" +
            "<title canonical=\"true\" type=\"psalm\">A praise psalm by David.</title> <lg sID=\"gen1\"/> <l level=\"1\" sID=\"gen2\"/>I Samuel 1:1: Now there was a certain man of Ramathaim &amp; Zophim.\n" +
            "(engWEB2015eb)\n";
        Assert.Equal(
        [
            "In the beginning, God created the heavens.",
            "The earth was formless and empty.",
            "God said, \"Let there be light.\"",
            "Yahweh, how my adversaries have increased!",
            "Now there was a certain man of Ramathaim & Zophim.",
        ], Clean("web-bible", raw));
    }

    [Fact]
    public void WebBible_BooksAreSeparateParagraphs()
    {
        var paragraphs = WebBibleReader.Paragraphs("Genesis 50:26: So Joseph died.\nExodus 1:1: Now these are the names.\nExodus 1:2: Reuben.\n").ToList();
        Assert.Equal(["So Joseph died.", "Now these are the names. Reuben."], paragraphs);
    }

    [Fact]
    public void Fortunes_EntriesSplit_AttributionsAndArtDropped_OverstrikesResolved()
    {
        const string raw =
            "A black cat crossing your path signifies that the animal is going somewhere.\n\t\t-- Groucho Marx\n%\n" +
            "A \"critic\" is a man who creates nothing.  There is logic in this; he is unbiased\n-- he hates all creative people equally.\n" +
            "\t\t-- Robert Heinlein,\n\t\t   in a letter\n%\n" +
            "I have more humility in my little finger than you have in your whole ____\b\b\b\bBODY!\n%\n" +
            "    /\\_/\\\n   ( o.o )\n    > ^ <\n%\n" +
            "\tA MODERN FABLE\n\nOnce upon a time, there was an aardvark.\n%\n";
        Assert.Equal(
        [
            "A black cat crossing your path signifies that the animal is going somewhere.",
            "A \"critic\" is a man who creates nothing.",
            "There is logic in this; he is unbiased — he hates all creative people equally.",
            "I have more humility in my little finger than you have in your whole BODY!",
            "Once upon a time, there was an aardvark.",
        ], Clean("fortunes", raw));
    }

    [Fact]
    public void Fortunes_DatIndexesAndU8LinksAreNotText()
    {
        var source = TextSources.For("fortunes");
        Assert.True(source.IncludesFile("humorists"));
        Assert.False(source.IncludesFile("humorists.dat"));
        Assert.False(source.IncludesFile("humorists.u8"));
    }

    [Fact]
    public void UnknownFolder_IsPlainText_HardWrappedParagraphsJoined()
    {
        var source = TextSources.For("my-notes");
        Assert.True(source.IncludesFile("a.txt"));
        Assert.False(source.IncludesFile("a.md"));
        const string raw = "This line is hard\nwrapped in the middle.\n\nA second paragraph\r\nhere. Short.\n";
        Assert.Equal(["This line is hard wrapped in the middle.", "A second paragraph here."], Clean("my-notes", raw));
    }
}
