using Michi.Model.Text;
using Michi.Tests.Fixtures;

namespace Michi.Model.Tests.Text;

public class TokenizerParityTests
{
    private static readonly Lazy<TextTokenizer> Tokenizer = new(() => TextTokenizer.Load(TinyLlamaFixture.Directory));

    public static TheoryData<int> CaseIndexes()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < TinyLlamaFixture.TokenizerCases.Count; i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseIndexes))]
    public void EncodeMatchesHuggingFace(int index)
    {
        var c = TinyLlamaFixture.TokenizerCases[index];
        int[] ids = Tokenizer.Value.Encode(c.Text);
        Assert.Equal(c.Ids, ids);
        Assert.Equal(c.Tokens, ids.Select(id => Tokenizer.Value.IdToToken(id)).ToArray());
    }

    [Theory]
    [MemberData(nameof(CaseIndexes))]
    public void DecodeMatchesHuggingFace(int index)
    {
        var c = TinyLlamaFixture.TokenizerCases[index];
        Assert.Equal(c.Decoded, Tokenizer.Value.Decode(c.Ids));
    }

    [Fact]
    public void StreamingDecodeEqualsWholeDecode()
    {
        foreach (var c in TinyLlamaFixture.TokenizerCases)
        {
            var streaming = new StreamingTextDecoder(Tokenizer.Value);
            string joined = string.Concat(c.Ids.Select(streaming.Push)) + streaming.Flush();
            Assert.Equal(c.Decoded, joined);
        }
    }

    [Fact]
    public void StreamingDecodeNeverSplitsACharacter()
    {
        // The emoji case is spelled with several tokens per character.
        var c = TinyLlamaFixture.TokenizerCases.Single(t => t.Text.Contains("🙂"));
        var streaming = new StreamingTextDecoder(Tokenizer.Value);
        foreach (int id in c.Ids) Assert.DoesNotContain('\uFFFD', streaming.Push(id));
    }
}
