using Michi.Tests.Fixtures;

namespace Michi.Runtime.Tests;

public class TextGeneratorTests
{
    private static async Task<List<GeneratedToken>> Collect(int[] prompt, GenerationOptions options, CancellationToken ct = default)
    {
        var tokens = new List<GeneratedToken>();
        await foreach (var t in FixtureModel.Generator.GenerateAsync(prompt, options, ct)) tokens.Add(t);
        return tokens;
    }

    public static TheoryData<int> CaseIndexes()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < TinyLlamaFixture.ModelCases.Count; i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseIndexes))]
    public async Task GreedyMatchesReference(int index)
    {
        var c = TinyLlamaFixture.ModelCases[index];
        var tokens = await Collect(c.Ids, new GenerationOptions { Greedy = true, MaxNewTokens = 12 });
        Assert.Equal(c.Greedy12, tokens.Select(t => t.Id));
        Assert.All(tokens, t => Assert.True(t.LogProbability <= 0));
    }

    [Theory]
    [MemberData(nameof(CaseIndexes))]
    public async Task FastStepMatchesLibTorchStep(int index)
    {
        var c = TinyLlamaFixture.ModelCases[index];
        var options = new GenerationOptions { Greedy = true, MaxNewTokens = 12 };
        var plain = new TextGenerator(FixtureModel.Generator.Model) { UseFastStep = false };
        var slow = new List<GeneratedToken>();
        await foreach (var t in plain.GenerateAsync(c.Ids, options)) slow.Add(t);
        var fast = await Collect(c.Ids, options);
        Assert.Equal(slow.Select(t => t.Id), fast.Select(t => t.Id));
        for (int i = 0; i < fast.Count; i++) Assert.Equal(slow[i].LogProbability, fast[i].LogProbability, 1e-4);
    }

    [Fact]
    public async Task StopsAfterAStopToken()
    {
        var c = TinyLlamaFixture.ModelCases[0];       // greedy: 780, 335, 335, …, 656, 604, …
        int stop = c.Greedy12[7];
        int firstAt = Array.IndexOf(c.Greedy12, stop);
        var tokens = await Collect(c.Ids, new GenerationOptions { Greedy = true, MaxNewTokens = 12, StopTokenIds = [stop] });
        Assert.Equal(c.Greedy12[..(firstAt + 1)], tokens.Select(t => t.Id));
        Assert.True(tokens[^1].IsStop);
        Assert.All(tokens[..^1], t => Assert.False(t.IsStop));
    }

    [Fact]
    public async Task SeededSamplingIsReproducible()
    {
        int[] prompt = TinyLlamaFixture.ModelCases[1].Ids;
        var options = new GenerationOptions { MaxNewTokens = 16, Temperature = 1.5, TopK = 50, TopP = 0.95, Seed = 42 };
        var a = (await Collect(prompt, options)).Select(t => t.Id).ToList();
        var b = (await Collect(prompt, options)).Select(t => t.Id).ToList();
        var other = (await Collect(prompt, options with { Seed = 43 })).Select(t => t.Id).ToList();
        Assert.Equal(a, b);
        Assert.NotEqual(a, other);
    }

    [Fact]
    public async Task StreamedTextEqualsDecodedIds()
    {
        int[] prompt = TinyLlamaFixture.ModelCases[2].Ids;
        var tokens = await Collect(prompt, new GenerationOptions { MaxNewTokens = 24, Temperature = 2.0, Seed = 3 });
        var tokenizer = FixtureModel.Directory.Tokenizer;
        Assert.Equal(tokenizer.Decode(tokens.Select(t => t.Id), skipSpecial: true), string.Concat(tokens.Select(t => t.Text)));
    }

    [Fact]
    public async Task CancellationStopsGeneration()
    {
        using var cts = new CancellationTokenSource();
        var seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in FixtureModel.Generator.GenerateAsync(TinyLlamaFixture.ModelCases[0].Ids, new GenerationOptions { MaxNewTokens = 50 }, cts.Token))
            {
                if (++seen == 3) cts.Cancel();
            }
        });
        Assert.Equal(3, seen);
    }

    [Fact]
    public async Task RefusesPromptsThatDoNotFit()
    {
        var generator = FixtureModel.Generator;
        await Assert.ThrowsAsync<InvalidInputException>(async () => await Collect([], GenerationOptions.GreedyDefaults));
        await Assert.ThrowsAsync<InvalidInputException>(async () => await Collect([5, 100_000], GenerationOptions.GreedyDefaults));
        var tooLong = new int[generator.Model.Config.MaxPositionEmbeddings];
        var e = await Assert.ThrowsAsync<InvalidInputException>(async () => await Collect(tooLong, new GenerationOptions { MaxNewTokens = 2 }));
        Assert.Contains("context", e.Message);
    }

    [Fact]
    public void SessionsShareTheModelButNotTheirState()
    {
        var generator = FixtureModel.Generator;
        var c = TinyLlamaFixture.ModelCases[3];
        using var a = generator.CreateSession(GenerationOptions.GreedyDefaults, 64);
        using var b = generator.CreateSession(GenerationOptions.GreedyDefaults, 64);
        a.Append(c.Ids);
        b.Append(TinyLlamaFixture.ModelCases[4].Ids);
        var interleaved = new List<int>();
        for (int i = 0; i < 6; i++)
        {
            interleaved.Add(a.Next().Id);
            b.Next();
        }
        Assert.Equal(c.Greedy12[..6], interleaved);
        Assert.Equal(c.Ids.Length + 5, a.Position);
    }
}
