// The tiny-llama reference fixture (Fixtures/tiny-llama, see /work/shared/fixtures/README.md):
// a Hugging Face model directory plus expected.json, whose numbers the Hugging Face libraries
// produced. Shared by the model, tokenizer and runtime tests (the runtime test project links
// this file and the fixture folder).
using System.Text.Json;

namespace Michi.Tests.Fixtures;

public sealed record TokenizerCase(string Text, int[] Ids, string[] Tokens, string Decoded);

public sealed record ModelCase(int[] Ids, float[] LastLogits, int[] FirstLogitsTop5, double[] TokenNll, double MeanNll, int[] Greedy12);

public static class TinyLlamaFixture
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "tiny-llama");

    private static readonly Lazy<JsonDocument> Expected = new(() =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Directory, "expected.json"))));

    public static IReadOnlyList<TokenizerCase> TokenizerCases =>
        Expected.Value.RootElement.GetProperty("tokenizer_cases").EnumerateArray().Select(c => new TokenizerCase(
            c.GetProperty("text").GetString()!,
            c.GetProperty("ids").EnumerateArray().Select(i => i.GetInt32()).ToArray(),
            c.GetProperty("tokens").EnumerateArray().Select(i => i.GetString()!).ToArray(),
            c.GetProperty("decoded").GetString()!)).ToList();

    public static IReadOnlyList<ModelCase> ModelCases =>
        Expected.Value.RootElement.GetProperty("model_cases").EnumerateArray().Select(c => new ModelCase(
            c.GetProperty("ids").EnumerateArray().Select(i => i.GetInt32()).ToArray(),
            c.GetProperty("last_logits").EnumerateArray().Select(i => (float)i.GetDouble()).ToArray(),
            c.GetProperty("first_logits_top5").EnumerateArray().Select(i => i.GetInt32()).ToArray(),
            c.GetProperty("token_nll").EnumerateArray().Select(i => i.GetDouble()).ToArray(),
            c.GetProperty("mean_nll").GetDouble(),
            c.GetProperty("greedy_12").EnumerateArray().Select(i => i.GetInt32()).ToArray())).ToList();

    /// <summary>Copies the fixture into <paramref name="target"/> (for tests that break a copy).</summary>
    public static void CopyTo(string target)
    {
        System.IO.Directory.CreateDirectory(target);
        foreach (string f in System.IO.Directory.GetFiles(Directory))
            File.Copy(f, Path.Combine(target, Path.GetFileName(f)), overwrite: true);
    }
}
