// `michi bench backbone` on the tiny preset (seconds): the JSON fields other tools rely on, and
// refusals of bad arguments with exit code 2.
using System.Text.Json;

namespace Michi.Cli.Tests;

public class BenchCommandTests
{
    [Fact]
    public async Task BackboneJsonHasTheFigures()
    {
        var result = await CliHarness.RunAsync("bench", "backbone", "--preset", "tiny", "--steps", "20", "--naive-steps", "0", "--prompt", "8", "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        foreach (string name in new[] { "prefill_ms", "decode_ms", "floor_ms", "ratio", "tokens_per_s" })
            Assert.True(root.GetProperty(name).GetDouble() > 0, name);
        Assert.Equal("fp32", root.GetProperty("dtype").GetString());
        Assert.False(root.TryGetProperty("naive_decode_ms", out _));   // skipped, so absent
    }

    [Theory]
    [InlineData("--preset", "gpt2")]
    [InlineData("--preset", "tiny", "--steps", "5")]
    [InlineData("--preset", "tiny", "--dtype", "fp16")]
    [InlineData("--preset", "tiny", "--prompt", "2040", "--steps", "100")]
    public async Task BadArgumentsExitWithCode2(params string[] args)
    {
        var result = await CliHarness.RunAsync(["bench", "backbone", .. args]);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("michi: ", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);      // a message, not a stack trace
    }
}
