// The parts of tokenizer.json / tokenizer_config.json the fixture does not exercise on its own:
// the newer merges spelling, post-processor templates, Split pre-tokenizers, special ids, the
// chat template, and refusal of files this tokenizer would get wrong.
using System.Text.Json.Nodes;
using Michi.Model.Text;
using Michi.Tests.Fixtures;
using Xunit.Abstractions;

namespace Michi.Model.Tests.Text;

public class TokenizerFeatureTests(ITestOutputHelper output)
{
    private static readonly Lazy<TextTokenizer> Fixture = new(() => TextTokenizer.Load(TinyLlamaFixture.Directory));

    private static JsonObject FixtureJson() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(TinyLlamaFixture.Directory, "tokenizer.json")))!.AsObject();

    private static TextTokenizer LoadEdited(Action<JsonObject> edit, ScratchDirectory dir)
    {
        var json = FixtureJson();
        edit(json);
        File.WriteAllText(dir.File("tokenizer.json"), json.ToJsonString());
        return TextTokenizer.Load(dir.Path);
    }

    private InvalidInputException Refused(Action<JsonObject> edit)
    {
        using var dir = new ScratchDirectory();
        var e = Assert.Throws<InvalidInputException>(() => LoadEdited(edit, dir));
        output.WriteLine(e.Message);
        Assert.Contains("tokenizer.json", e.Message);
        return e;
    }

    [Fact]
    public void SpecialIdsComeFromTokenizerConfig()
    {
        var t = Fixture.Value;
        Assert.Equal(0, t.BosId);
        Assert.Equal(0, t.EosId);
        Assert.Null(t.PadId);
        Assert.Equal(1, t.ImStartId);
        Assert.Equal(2, t.ImEndId);
        Assert.Equal(959, t.VocabSize);
        Assert.Equal(1, t.TokenToId("<|im_start|>"));
        Assert.Null(t.TokenToId("no such token"));
        Assert.True(t.IsSpecial(2));
        Assert.False(t.IsSpecial(100));
    }

    [Fact]
    public void ChatTemplateIsChatML()
    {
        var chatCase = TinyLlamaFixture.TokenizerCases.Single(c => c.Text.StartsWith("<|im_start|>user"));
        string text = Fixture.Value.ApplyChatTemplate([new ChatMessage("user", "What colour is the sky in Oakhaven?")], addGenerationPrompt: true);
        Assert.Equal(chatCase.Text, text);
        Assert.Equal(chatCase.Ids, Fixture.Value.Encode(text));
        Assert.Equal("user\nWhat colour is the sky in Oakhaven?\nassistant\n", Fixture.Value.Decode(chatCase.Ids, skipSpecial: true));
    }

    [Fact]
    public void AddedTokensMatchLeftmostLongest()
    {
        // "<|im_end|>" inside text is one token even when glued to words on both sides.
        int[] ids = Fixture.Value.Encode("ab<|im_end|>cd<|im_start|>");
        Assert.Contains(2, ids);
        Assert.Equal(1, ids[^1]);
        Assert.Equal("ab<|im_end|>cd<|im_start|>", Fixture.Value.Decode(ids));
    }

    [Fact]
    public void MergesAsPairsEncodeTheSame()
    {
        using var dir = new ScratchDirectory();
        var pairs = LoadEdited(j =>
        {
            var merges = j["model"]!["merges"]!.AsArray();
            var asPairs = new JsonArray(merges.Select(m => (JsonNode)new JsonArray(m!.GetValue<string>().Split(' ').Select(p => (JsonNode)p).ToArray())).ToArray());
            j["model"]!["merges"] = asPairs;
        }, dir);
        foreach (var c in TinyLlamaFixture.TokenizerCases) Assert.Equal(c.Ids, pairs.Encode(c.Text));
    }

    [Fact]
    public void TemplatePostProcessorAddsTokensOnlyWhenAsked()
    {
        using var dir = new ScratchDirectory();
        var t = LoadEdited(j => j["post_processor"] = JsonNode.Parse("""
            {"type": "TemplateProcessing",
             "single": [{"SpecialToken": {"id": "<|im_start|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                        {"SpecialToken": {"id": "<|im_end|>", "type_id": 0}}],
             "pair": [], "special_tokens": {"<|im_start|>": {"id": "<|im_start|>", "ids": [1], "tokens": ["<|im_start|>"]},
                                            "<|im_end|>": {"id": "<|im_end|>", "ids": [2], "tokens": ["<|im_end|>"]}}}
            """), dir);
        int[] plain = Fixture.Value.Encode("Cats are");
        Assert.Equal(plain, t.Encode("Cats are"));
        Assert.Equal([1, .. plain, 2], t.Encode("Cats are", addSpecialTokens: true));
        Assert.Equal(plain, Fixture.Value.Encode("Cats are", addSpecialTokens: true)); // ByteLevel adds nothing
    }

    [Theory]
    [InlineData("Removed", new[] { "a", "b" })]
    [InlineData("Isolated", new[] { "a", " ", "b" })]
    [InlineData("MergedWithPrevious", new[] { "a ", "b" })]
    [InlineData("MergedWithNext", new[] { "a", " b" })]
    public void SplitBehaviours(string behaviour, string[] words)
    {
        using var dir = new ScratchDirectory();
        var t = LoadEdited(j => j["pre_tokenizer"] = JsonNode.Parse($$"""
            {"type": "Sequence", "pretokenizers": [
              {"type": "Split", "pattern": {"String": " "}, "behavior": "{{behaviour}}", "invert": false},
              {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false}]}
            """), dir);
        // Each expected word, encoded alone by the fixture tokenizer, is one word to BPE as well.
        int[] expected = words.SelectMany(w => Fixture.Value.Encode(w)).ToArray();
        Assert.Equal(expected, t.Encode("a b"));
    }

    [Fact]
    public void RegexSplitLikeLlama3MatchesGpt2WordsHere()
    {
        // A Split with GPT-2's own pattern, then ByteLevel without its regex, is the same tokenizer.
        using var dir = new ScratchDirectory();
        var t = LoadEdited(j => j["pre_tokenizer"] = JsonNode.Parse("""
            {"type": "Sequence", "pretokenizers": [
              {"type": "Digits", "individual_digits": true},
              {"type": "Split", "pattern": {"Regex": "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+"},
               "behavior": "Isolated", "invert": false},
              {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false}]}
            """), dir);
        foreach (var c in TinyLlamaFixture.TokenizerCases) Assert.Equal(c.Ids, t.Encode(c.Text));
    }

    [Fact]
    public void RefusesInvalidJson()
    {
        using var dir = new ScratchDirectory();
        File.WriteAllText(dir.File("tokenizer.json"), "{\"model\": ");
        Assert.Contains("invalid JSON", Assert.Throws<InvalidInputException>(() => TextTokenizer.Load(dir.Path)).Message);
    }

    [Fact]
    public void RefusesMissingFile()
    {
        using var dir = new ScratchDirectory();
        Assert.Contains("not found", Assert.Throws<InvalidInputException>(() => TextTokenizer.Load(dir.Path)).Message);
    }

    [Fact]
    public void RefusesOtherModelTypes() => Assert.Contains("WordPiece", Refused(j => j["model"]!["type"] = "WordPiece").Message);

    [Fact]
    public void RefusesByteFallback() => Assert.Contains("byte_fallback", Refused(j => j["model"]!["byte_fallback"] = true).Message);

    [Fact]
    public void RefusesMalformedMerges() => Assert.Contains("merges[1]", Refused(j => j["model"]!["merges"]![1] = "Ġa").Message);

    [Fact]
    public void RefusesMergesOfUnknownTokens() => Assert.Contains("merges[0]", Refused(j => j["model"]!["merges"]![0] = "zzzq yyyq").Message);

    [Fact]
    public void RefusesDuplicateIds() => Assert.Contains("id 5", Refused(j => j["model"]!["vocab"]!["Ā"] = 5).Message);

    [Fact]
    public void RefusesUnknownPreTokenizers() => Assert.Contains("Metaspace", Refused(j => j["pre_tokenizer"] = JsonNode.Parse("""{"type": "Sequence", "pretokenizers": [{"type": "Metaspace"}, {"type": "ByteLevel"}]}""")).Message);

    [Fact]
    public void RefusesNonByteLevelTokenizers() => Assert.Contains("ByteLevel", Refused(j => j["pre_tokenizer"] = JsonNode.Parse("""{"type": "Digits", "individual_digits": true}""")).Message);

    [Fact]
    public void RefusesNormalizers() => Assert.Contains("normalizer", Refused(j => j["normalizer"] = JsonNode.Parse("""{"type": "NFC"}""")).Message);

    [Fact]
    public void RefusesBadAddedTokens() => Assert.Contains("added_tokens[0].id", Refused(j => j["added_tokens"]![0]!["id"] = "zero").Message);

    [Fact]
    public void RefusesConfigTokensMissingFromVocabulary()
    {
        using var dir = new ScratchDirectory();
        TinyLlamaFixture.CopyTo(dir.Path);
        File.WriteAllText(dir.File("tokenizer_config.json"), """{"eos_token": {"content": "</s>"}}""");
        var e = Assert.Throws<InvalidInputException>(() => TextTokenizer.Load(dir.Path));
        Assert.Contains("tokenizer_config.json", e.Message);
        Assert.Contains("</s>", e.Message);
    }

    [Fact]
    public void ChatTemplateNeedsChatMLTokens()
    {
        using var dir = new ScratchDirectory();
        var t = LoadEdited(j =>
        {
            j["added_tokens"]!.AsArray().RemoveAt(2);
            j["model"]!["vocab"]!.AsObject().Remove("<|im_end|>");
        }, dir);
        Assert.Null(t.ImEndId);
        Assert.Throws<InvalidInputException>(() => t.ApplyChatTemplate([new ChatMessage("user", "hi")], true));
    }
}
