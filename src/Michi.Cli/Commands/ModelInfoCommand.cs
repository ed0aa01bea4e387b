// `michi model info DIR | --presets`: what a model directory holds, read from headers only (no
// weights are loaded), so it answers in a moment even for large checkpoints. Three kinds of
// directory: a Hugging Face Llama backbone, a codec (config.json model_type "michi_codec") and a
// speech model (model_type "michi_speech_lm": backbone/, heads.safetensors, codec/). Parameter
// counts of codec and heads are summed from the safetensors headers, grouped by the first part
// of each name (encoder, vocoder, speak_head, …). `--presets` counts every named preset on the
// meta device (codecs are small enough to build on the CPU).
using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using Michi.Cli.Infrastructure;
using Michi.Model.Backbone;
using Michi.Model.Checkpoints;
using Michi.Model.Codec;
using Michi.Model.Speech;

namespace Michi.Cli.Commands;

internal static class ModelInfoCommand
{
    public sealed record PartCount(string Name, long Parameters);

    public sealed record WeightsSummary(
        string Kind, long Parameters, IReadOnlyList<PartCount> Parts, IReadOnlyList<string> StoredDtypes, long BytesOnDisk);

    public sealed record PresetCount(string Family, string Name, long Parameters);

    public static Command Create()
    {
        var dir = new Argument<string?>("DIR") { Description = "Model directory: Hugging Face backbone, codec or speech model.", Arity = ArgumentArity.ZeroOrOne };
        var presets = new Option<bool>("--presets") { Description = "List every named preset (backbone, codec, speech) with its parameter count." };
        var json = CommonOptions.Json();
        var command = new Command("info", "Print architecture, parameter counts, dtypes and tokenizer summary of a model directory, or of the presets.")
        {
            dir, presets, json,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            bool asJson = parse.GetValue(json);
            if (parse.GetValue(presets))
            {
                var counts = PresetCounts();
                if (asJson) JsonOutput.Write(output, counts);
                else foreach (var c in counts) output.WriteLine($"{c.Family,-9} {c.Name,-14} {c.Parameters,14:N0}  ({c.Parameters / 1e6:F1}M)");
                return CliRunner.ExitOk;
            }
            string path = parse.GetValue(dir) ?? throw new InvalidInputException("give a model directory, or --presets");
            if (!Directory.Exists(path))
                throw new InvalidInputException(File.Exists(path) ? $"{path}: is a file, expected a model directory" : $"{path}: no such directory");
            switch (ModelType(path))
            {
                case CodecConfig.ModelTypeName:
                    Write(output, asJson, Codec(path));
                    break;
                case "michi_speech_lm":
                    var heads = Weights("heads", Path.Combine(path, SpeechLmDirectory.HeadsFileName));
                    var backbone = HfModelDirectory.Inspect(Path.Combine(path, SpeechLmDirectory.BackboneDirectoryName));
                    string codecDir = Path.Combine(path, SpeechLmDirectory.CodecDirectoryName);
                    var codec = Directory.Exists(codecDir) ? Codec(codecDir) : null;
                    long total = backbone.ParameterCount + heads.Parameters + (codec?.Parameters ?? 0);
                    long bytes = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
                    if (asJson) JsonOutput.Write(output, new { kind = "speech_lm", parameters = total, bytes_on_disk = bytes, backbone, heads, codec });
                    else
                    {
                        output.WriteLine($"speech model: {total:N0} parameters ({total / 1e6:F1}M), {bytes / 1e6:F1} MB on disk");
                        output.WriteLine($"backbone: {backbone.Architecture}, {backbone.ParameterCount:N0} parameters ({backbone.ParameterCount / 1e6:F1}M)");
                        foreach (var line in backbone.Lines().Skip(2)) output.WriteLine("  " + line);   // after architecture and parameters
                        WriteWeights(output, heads);
                        if (codec is null) output.WriteLine("codec: none (codec/ missing)");
                        else WriteWeights(output, codec);
                    }
                    break;
                default:
                    ModelSummary summary = HfModelDirectory.Inspect(path);
                    if (asJson) JsonOutput.Write(output, summary);
                    else foreach (var line in summary.Lines()) output.WriteLine(line);
                    break;
            }
            return CliRunner.ExitOk;
        });
        return command;
    }

    private static void Write(TextWriter output, bool asJson, WeightsSummary summary)
    {
        if (asJson) JsonOutput.Write(output, summary);
        else WriteWeights(output, summary);
    }

    private static void WriteWeights(TextWriter output, WeightsSummary s)
    {
        output.WriteLine($"{s.Kind}: {s.Parameters:N0} parameters ({s.Parameters / 1e6:F1}M), stored as {string.Join("/", s.StoredDtypes)}, {s.BytesOnDisk / 1e6:F1} MB");
        foreach (var part in s.Parts) output.WriteLine($"  {part.Name}: {part.Parameters:N0}");
    }

    private static WeightsSummary Codec(string directory)
    {
        var config = CodecConfig.Load(directory);
        var weights = Weights("codec", Path.Combine(directory, Checkpoint.SingleFileName));
        string kind = $"codec (latent {config.LatentDim} × {config.SampleRate / (double)config.FrameLength:0.##} Hz, {config.SampleRate} Hz audio)";
        return weights with { Kind = kind };
    }

    /// <summary>Parameter counts from a safetensors header, grouped by the name's first part.</summary>
    private static WeightsSummary Weights(string kind, string path)
    {
        using var file = SafetensorsFile.Open(path);
        var parts = file.Entries.Values
            .GroupBy(e => e.Name.Split('.')[0], StringComparer.Ordinal)
            .Select(g => new PartCount(g.Key, g.Sum(e => e.ElementCount)))
            .OrderByDescending(p => p.Parameters).ToList();
        var dtypes = file.Entries.Values.Select(e => e.DType.ToString()).Distinct().Order(StringComparer.Ordinal).ToList();
        return new WeightsSummary(kind, parts.Sum(p => p.Parameters), parts, dtypes, new FileInfo(path).Length);
    }

    private sealed record TypeOnly([property: JsonPropertyName("model_type")] string? ModelType);

    private static string? ModelType(string directory)
    {
        string config = Path.Combine(directory, "config.json");
        if (!File.Exists(config)) return null;
        try
        {
            return BoundedJson.Read<TypeOnly>(config, "a config", "config").ModelType;
        }
        catch (InvalidInputException)
        {
            return null;   // the Hugging Face path reports the file's problem in its own words
        }
    }

    private static IReadOnlyList<PresetCount> PresetCounts()
    {
        var meta = new TorchSharp.torch.Device("meta");
        var rows = new List<PresetCount>();
        foreach (string name in LlamaConfig.PresetNames)
        {
            using var model = new LlamaForCausalLM(LlamaConfig.Preset(name)!, TorchSharp.torch.ScalarType.Float32, meta);
            rows.Add(new("backbone", name, model.ParameterCount));
        }
        foreach (string name in CodecConfig.PresetNames)
        {
            using var codec = new AudioCodec(CodecConfig.Preset(name)!);
            rows.Add(new("codec", name, codec.ParameterCount));
        }
        foreach (string name in SpeechLmConfig.PresetNames)
            rows.Add(new("speech", name, SpeechLm.CountParameters(SpeechLmConfig.Preset(name)!)));
        return rows;
    }
}
