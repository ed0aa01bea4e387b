using Michi.Data.Synthesis;

namespace Michi.Data.Tests;

public class SpokenFormTests
{
    [Theory]
    [InlineData("Hello,", "hello")]
    [InlineData("don't", "don't")]
    [InlineData("forty-two", "forty two")]
    [InlineData("42", "forty two")]
    [InlineData("1,250", "one thousand two hundred fifty")]
    [InlineData("3.05", "three point zero five")]
    [InlineData("$7", "seven dollars")]
    [InlineData("15%", "fifteen percent")]
    [InlineData("&", "and")]
    [InlineData("--", "")]
    [InlineData("café", "")]
    [InlineData("2000000", "two million")]
    public void Tokens(string word, string expected) => Assert.Equal(expected, string.Join(' ', SpokenForm.Tokens(word)));

    [Fact]
    public void CardinalCoversScales() =>
        Assert.Equal("one billion two hundred thirty four million five hundred sixty seven thousand eight hundred ninety",
                     string.Join(' ', SpokenForm.Cardinal(1_234_567_890)));
}
