// Builds the speech model a head/joint run starts from (--init or a preset) and finds what
// kind of directory a path is:
//   - a speech model directory (config.json with model_type michi_speech_lm): config, backbone
//     and heads as saved (loaded piecewise so the run's loss weights can be written into the
//     config it will save);
//   - a Hugging Face backbone directory: the backbone's weights, new heads sized by a heads
//     preset (tiny, demo, paper) and initialised from the backbone (SpeechHeads);
//   - no directory: a backbone preset with transformers' random init (LlamaInit), for tests.
// Heads presets: tiny = SpeechLmConfig.Tiny's heads; paper = SpeechLmConfig.Paper's; demo = a
// 512-wide, 4-block speak head (MAR's small diffusion head scaled to a 256-wide backbone) and a
// 256-wide listen head, sized so that 4 Euler steps per 80 ms frame stay cheap on a CPU.
using System.Text.Json;
using Michi.Model.Backbone;
using Michi.Model.Checkpoints;
using Michi.Model.Speech;
using Michi.Training.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Training.Speech;

public enum ModelDirectoryKind { None, Backbone, Speech }

public static class SpeechModelFactory
{
    public static IReadOnlyList<string> HeadPresetNames { get; } = ["tiny", "demo", "paper"];

    /// <summary>What <paramref name="directory"/> holds, judged by its config.json's model_type.</summary>
    public static ModelDirectoryKind Kind(string directory)
    {
        string path = Path.Combine(directory, "config.json");
        if (!File.Exists(path)) return ModelDirectoryKind.None;
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(path));
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("model_type", out var type)
                   && type.ValueKind == JsonValueKind.String && type.GetString() == SpeechLmConfig.ModelTypeName
                ? ModelDirectoryKind.Speech : ModelDirectoryKind.Backbone;
        }
        catch (JsonException e)
        {
            throw InvalidInputException.ForFile(path, $"invalid JSON ({e.Message.Split('\n')[0]})");
        }
    }

    /// <summary>A model directory, or a training output folder: its published model/, else its latest checkpoint.</summary>
    public static string Resolve(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (File.Exists(Path.Combine(path, "config.json"))) return path;
        string published = Path.Combine(path, StepTrainer.ModelDirectoryName);
        if (File.Exists(Path.Combine(published, "config.json"))) return published;
        if (Directory.Exists(Path.Combine(path, CheckpointStore.FolderName)))
            return new CheckpointStore(path).Latest() ?? throw InvalidInputException.ForFile(path, "training folder holds no checkpoint yet");
        if (!Directory.Exists(path)) throw InvalidInputException.ForFile(path, "model directory not found");
        throw InvalidInputException.ForFile(path, "neither a model directory (config.json) nor a training output folder");
    }

    /// <summary>The heads preset <paramref name="heads"/> over <paramref name="backbone"/> with latents of <paramref name="latentDim"/>.</summary>
    public static SpeechLmConfig Config(string heads, LlamaConfig backbone, int latentDim, string? backbonePreset = null)
    {
        var baseConfig = SpeechLmConfig.For(backbone, backbonePreset) with { LatentDim = latentDim };
        return heads switch
        {
            "tiny" => baseConfig with
            {
                SpeakHeadWidth = SpeechLmConfig.Tiny.SpeakHeadWidth, SpeakHeadDepth = SpeechLmConfig.Tiny.SpeakHeadDepth,
                ListenLagFrames = SpeechLmConfig.Tiny.ListenLagFrames, ListenWindowFrames = SpeechLmConfig.Tiny.ListenWindowFrames,
                ListenHeadWidth = SpeechLmConfig.Tiny.ListenHeadWidth, ListenHeadDepth = SpeechLmConfig.Tiny.ListenHeadDepth,
                FlowSamplesPerFrame = SpeechLmConfig.Tiny.FlowSamplesPerFrame,
            },
            "demo" => baseConfig with { SpeakHeadWidth = 512, SpeakHeadDepth = 4, ListenHeadWidth = 256, ListenHeadDepth = 2 },
            "paper" => baseConfig with { SpeakHeadWidth = SpeechLmConfig.Paper.SpeakHeadWidth, SpeakHeadDepth = SpeechLmConfig.Paper.SpeakHeadDepth },
            _ => throw new InvalidInputException($"heads preset \"{heads}\" is not one of {string.Join(", ", HeadPresetNames)}"),
        };
    }

    /// <summary>Loads a speech model directory's config (adjusted by <paramref name="adjust"/>), backbone and heads, float32.</summary>
    public static SpeechLm LoadSpeech(string directory, Func<SpeechLmConfig, SpeechLmConfig> adjust, Device device)
    {
        string backboneDir = Path.Combine(directory, SpeechLmDirectory.BackboneDirectoryName);
        var config = adjust(SpeechLmConfig.Load(Path.Combine(directory, SpeechLmConfig.FileName), LlamaConfig.Load(backboneDir)));
        string headsPath = Path.Combine(directory, SpeechLmDirectory.HeadsFileName);
        if (!File.Exists(headsPath)) throw InvalidInputException.ForFile(headsPath, "file not found");
        var backbone = HfModelDirectory.Load(backboneDir, ScalarType.Float32, device);
        SpeechLm? model = null;
        try
        {
            model = new SpeechLm(config, backbone.Model);
            using (var heads = Checkpoint.Open(headsPath)) CheckpointLoader.LoadInto(model.Heads, heads, strict: true);
            return model;
        }
        catch
        {
            if (model is not null) model.Dispose();
            else backbone.Dispose();
            throw;
        }
    }

    /// <summary>New heads over a Hugging Face backbone directory.</summary>
    public static SpeechLm FromBackbone(string directory, Func<LlamaConfig, SpeechLmConfig> configFor, Device device)
    {
        var backbone = HfModelDirectory.Load(directory, ScalarType.Float32, device);
        try
        {
            return new SpeechLm(configFor(backbone.Config), backbone.Model);
        }
        catch
        {
            backbone.Dispose();
            throw;
        }
    }

    /// <summary>A random backbone of <paramref name="config"/>'s shape (LlamaInit) with new heads.</summary>
    public static SpeechLm FromScratch(SpeechLmConfig config, Device device)
    {
        var backbone = new LlamaForCausalLM(config.Backbone, ScalarType.Float32, device);
        LlamaInit.Apply(backbone);
        return new SpeechLm(config, backbone);
    }
}
