// `michi model info` on a speech model directory, its codec folder and --presets: parameter
// counts equal the built modules', read from headers only.
using System.Text.Json.Nodes;
using Michi.Model.Codec;
using Michi.Model.Speech;

namespace Michi.Cli.Tests;

public class ModelInfoKindsTests(TinySpeechDirectory tiny) : IClassFixture<TinySpeechDirectory>
{
    [Fact]
    public async Task SpeechAndCodecDirectoriesAreSummarised()
    {
        var codecResult = await CliHarness.RunAsync("model", "info", Path.Combine(tiny.Model, "codec"), "--json");
        Assert.True(codecResult.ExitCode == 0, codecResult.Stderr);
        var codec = JsonNode.Parse(codecResult.Stdout)!;
        using (var built = new AudioCodec(CodecConfig.Tiny))
            Assert.Equal(built.ParameterCount, codec["parameters"]!.GetValue<long>());
        Assert.Contains(codec["parts"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "vocoder");

        var speechResult = await CliHarness.RunAsync("model", "info", tiny.Model, "--json");
        Assert.True(speechResult.ExitCode == 0, speechResult.Stderr);
        var speech = JsonNode.Parse(speechResult.Stdout)!;
        Assert.Equal("speech_lm", speech["kind"]!.GetValue<string>());
        long total = speech["parameters"]!.GetValue<long>();
        Assert.Equal(speech["backbone"]!["parameter_count"]!.GetValue<long>() + speech["heads"]!["parameters"]!.GetValue<long>()
                     + codec["parameters"]!.GetValue<long>(), total);

        var text = await CliHarness.RunAsync("model", "info", tiny.Model);
        Assert.Contains("speech model:", text.Stdout);
        Assert.Contains("speak_head", text.Stdout);
    }

    [Fact]
    public async Task PresetsAreCounted()
    {
        var result = await CliHarness.RunAsync("model", "info", "--presets", "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var rows = JsonNode.Parse(result.Stdout)!.AsArray();
        long Count(string family, string name) =>
            rows.Single(r => r!["family"]!.GetValue<string>() == family && r["name"]!.GetValue<string>() == name)!["parameters"]!.GetValue<long>();
        Assert.Equal(134_515_008, Count("backbone", "smollm2-135m"));
        Assert.Equal(SpeechLm.CountParameters(SpeechLmConfig.Paper), Count("speech", "paper"));
        using (var small = new AudioCodec(CodecConfig.Small)) Assert.Equal(small.ParameterCount, Count("codec", "small"));

        var none = await CliHarness.RunAsync("model", "info");
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("--presets", none.Stderr);
    }
}
