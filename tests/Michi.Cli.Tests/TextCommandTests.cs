// The `michi text` / `michi model` contract, checked end to end against the tiny-llama fixture
// (reference ids, NLLs and greedy continuations from Hugging Face, computed in float64).
using System.Text.Json;

namespace Michi.Cli.Tests;

public class TextCommandTests
{
    static readonly string Model = Path.Combine(AppContext.BaseDirectory, "Fixtures", "tiny-llama");
    static readonly JsonElement Expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Model, "expected.json"))).RootElement;

    static int[] Ints(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();

    [Fact]
    public async Task TokenizeMatchesReferenceIds()
    {
        foreach (var c in Expected.GetProperty("tokenizer_cases").EnumerateArray())
        {
            var r = await CliHarness.RunAsync("text", "tokenize", "--model", Model, "--text", c.GetProperty("text").GetString()!, "--json");
            Assert.True(r.ExitCode == 0, r.Stderr);
            using var doc = JsonDocument.Parse(r.Stdout);
            Assert.Equal(Ints(c.GetProperty("ids")), Ints(doc.RootElement.GetProperty("ids")));
        }
    }

    [Fact]
    public async Task ScoreMatchesReferenceNll()
    {
        var c = Expected.GetProperty("model_cases")[1];
        var r = await CliHarness.RunAsync("text", "score", "--model", Model, "--text", c.GetProperty("text").GetString()!, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var root = JsonDocument.Parse(r.Stdout).RootElement;
        Assert.Equal(Ints(c.GetProperty("ids")), Ints(root.GetProperty("ids")));
        var want = c.GetProperty("token_nll").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        var got = root.GetProperty("token_nll").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        Assert.Equal(want.Length, got.Length);
        for (int i = 0; i < want.Length; i++) Assert.True(Math.Abs(want[i] - got[i]) < 1e-4, $"token {i}: {got[i]} vs {want[i]}");
        Assert.True(Math.Abs(c.GetProperty("mean_nll").GetDouble() - root.GetProperty("mean_nll").GetDouble()) < 1e-4);
    }

    [Fact]
    public async Task GreedyGenerateMatchesReferenceContinuation()
    {
        var c = Expected.GetProperty("model_cases")[0];
        var r = await CliHarness.RunAsync("text", "generate", "--model", Model, "--prompt", c.GetProperty("text").GetString()!,
                                          "--max-tokens", "12", "--greedy", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var root = JsonDocument.Parse(r.Stdout).RootElement;
        int[] want = Ints(c.GetProperty("greedy_12"));
        int[] got = Ints(root.GetProperty("ids"));
        // Generation stops early only at an end-of-sequence token.
        Assert.Equal(want.Take(got.Length), got);
        Assert.True(got.Length == 12 || got[^1] == 0, $"stopped after {got.Length} tokens");
        Assert.NotNull(root.GetProperty("text").GetString());
    }

    [Fact]
    public async Task SeededSamplingIsReproducible()
    {
        string[] args = ["text", "generate", "--model", Model, "--prompt", "Hello", "--max-tokens", "10", "--temperature", "0.9", "--top-p", "0.95", "--seed", "7", "--json"];
        var a = await CliHarness.RunAsync(args);
        var b = await CliHarness.RunAsync(args);
        Assert.Equal(0, a.ExitCode);
        Assert.Equal(a.Stdout, b.Stdout);
    }

    [Fact]
    public async Task ModelInfoDescribesTheFixture()
    {
        var r = await CliHarness.RunAsync("model", "info", Model, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var root = JsonDocument.Parse(r.Stdout).RootElement;
        Assert.Equal("LlamaForCausalLM", root.GetProperty("architecture").GetString());
        Assert.Equal(2, root.GetProperty("layers").GetInt32());
        Assert.Equal("BF16", root.GetProperty("checkpoint_dtypes")[0].GetString());
        Assert.True(root.GetProperty("parameter_count").GetInt64() > 0);
    }

    [Theory]
    [InlineData("missing-config")]
    [InlineData("bad-json")]
    [InlineData("wrong-arch")]
    [InlineData("missing-weights")]
    [InlineData("not-a-dir")]
    public async Task BrokenModelDirectoriesAreRefused(string kind)
    {
        string dir = CliHarness.TempDir();
        foreach (var f in Directory.GetFiles(Model)) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        string config = Path.Combine(dir, "config.json");
        switch (kind)
        {
            case "missing-config": File.Delete(config); break;
            case "bad-json": File.WriteAllText(config, "{ \"hidden_size\": 64, "); break;
            case "wrong-arch": File.WriteAllText(config, File.ReadAllText(config).Replace("LlamaForCausalLM", "GPT2LMHeadModel")); break;
            case "missing-weights": File.Delete(Path.Combine(dir, "model.safetensors")); break;
            case "not-a-dir": dir = config; break;
        }
        foreach (var args in new[]
        {
            new[] { "model", "info", dir },
            ["text", "score", "--model", dir, "--text", "Hello there"],
            ["text", "generate", "--model", dir, "--prompt", "Hello", "--max-tokens", "2"],
        })
        {
            var r = await CliHarness.RunAsync(args);
            Assert.Equal(2, r.ExitCode);
            Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.DoesNotContain("   at ", r.Stderr);
        }
    }
}
