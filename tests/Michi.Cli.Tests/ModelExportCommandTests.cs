// `michi model export`: a float16 copy of a speech model directory is about half the size,
// loads and speaks (close to the float32 original), and bad requests are one-line refusals.
using System.Text.Json.Nodes;
using Michi.Audio;
using Michi.Model.Checkpoints;

namespace Michi.Cli.Tests;

public class ModelExportCommandTests(TinySpeechDirectory tiny) : IClassFixture<TinySpeechDirectory>
{
    [Fact]
    public async Task Float16CopyIsSmallerAndSpeaks()
    {
        string copy = Path.Combine(tiny.Root, "export-f16");
        var result = await CliHarness.RunAsync("model", "export", "--model", tiny.Model, "--out", copy, "--dtype", "f16", "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var report = JsonNode.Parse(result.Stdout)!;
        Assert.True(report["tensors_converted"]!.GetValue<int>() > 0);
        Assert.True(report["bytes_after"]!.GetValue<long>() < 0.7 * report["bytes_before"]!.GetValue<long>());

        // Same files, every float tensor now F16, non-weight files byte-identical.
        var originals = Directory.GetFiles(tiny.Model, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(tiny.Model, f)).Order().ToList();
        Assert.Equal(originals, Directory.GetFiles(copy, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(copy, f)).Order());
        foreach (string relative in originals)
        {
            string a = Path.Combine(tiny.Model, relative), b = Path.Combine(copy, relative);
            if (!relative.EndsWith(".safetensors")) { Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b)); continue; }
            using var file = SafetensorsFile.Open(b);
            Assert.All(file.Entries.Values, e => Assert.NotEqual(SafetensorsDType.F32, e.DType));
        }

        string wavA = Path.Combine(tiny.Root, "export-a.wav"), wavB = Path.Combine(tiny.Root, "export-b.wav");
        Assert.Equal(0, (await CliHarness.RunAsync("say", "hello world", "--model", tiny.Model, "--out", wavA, "--seed", "5")).ExitCode);
        var spoken = await CliHarness.RunAsync("say", "hello world", "--model", copy, "--out", wavB, "--seed", "5");
        Assert.True(spoken.ExitCode == 0, spoken.Stderr);
        Assert.True(WavFile.ReadInfo(wavB).Frames > 0);

        var again = await CliHarness.RunAsync("model", "export", "--model", tiny.Model, "--out", copy);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already exists", again.Stderr);
        var missing = await CliHarness.RunAsync("model", "export", "--model", Path.Combine(tiny.Root, "nope"), "--out", Path.Combine(tiny.Root, "x"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Single(missing.Stderr.Trim().Split('\n'));
        Assert.Equal(2, (await CliHarness.RunAsync("model", "export", "--model", tiny.Model, "--out", Path.Combine(tiny.Root, "y"), "--dtype", "int8")).ExitCode);
    }
}
