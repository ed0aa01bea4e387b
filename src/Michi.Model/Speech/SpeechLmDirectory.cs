// A speech model directory: everything needed to run Michi, loaded with one call.
//   config.json         SpeechLmConfig (model_type "michi_speech_lm")
//   backbone/           the text LM in Hugging Face layout: config.json, model.safetensors,
//                       tokenizer.json, tokenizer_config.json (+ generation_config.json);
//                       loadable by transformers and by HfModelDirectory as it stands
//   heads.safetensors   SpeechHeads: added vocabulary rows, audio-in projections, speak head,
//                       listen text head
//   codec/              the listen encoder + vocoder, as AudioCodec.Save writes it (optional:
//                       a directory without it loads with Codec = null)
// Parts that do not fit each other are refused with an InvalidInputException naming the file:
// a backbone whose vocabulary differs from text_vocab_size, heads whose shapes differ from the
// config (latent size, widths, vocabulary), a codec whose latent_dim or frame length differs.
// Every file is written atomically (temporary file + rename), so an interrupted Save leaves
// each file either old or new.
using Michi.Model.Backbone;
using Michi.Model.Checkpoints;
using Michi.Model.Codec;
using Michi.Model.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Speech;

public sealed class SpeechLmDirectory : IDisposable
{
    public const string BackboneDirectoryName = "backbone";
    public const string HeadsFileName = "heads.safetensors";
    public const string CodecDirectoryName = "codec";

    /// <summary>Tokenizer-side files of a Hugging Face directory, copied with the backbone when present.</summary>
    public static IReadOnlyList<string> TokenizerFileNames { get; } =
        ["tokenizer.json", TextTokenizer.ConfigFileName, GenerationConfig.FileName, "special_tokens_map.json", "vocab.json", "merges.txt"];

    private readonly string _tokenizerDirectory;

    /// <summary>Assembles a model from parts (e.g. to save it): <paramref name="tokenizerDirectory"/>
    /// holds the backbone's tokenizer files. Takes ownership of the model and codec.</summary>
    public SpeechLmDirectory(SpeechLm model, string tokenizerDirectory, AudioCodec? codec = null)
        : this(model, tokenizerDirectory, codec, source: null) { }

    private SpeechLmDirectory(SpeechLm model, string tokenizerDirectory, AudioCodec? codec, string? source)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizerDirectory);
        var tokenizer = TextTokenizer.Load(tokenizerDirectory);
        CheckTokenizer(tokenizer, model.Config, Path.Combine(tokenizerDirectory, "tokenizer.json"));
        if (codec is not null) CheckCodec(codec.Config, model.Config, CodecDirectoryName);
        Model = model;
        Tokenizer = tokenizer;
        Codec = codec;
        _tokenizerDirectory = tokenizerDirectory;
        Directory = source;
    }

    /// <summary>Where this model was loaded from; null when assembled in memory.</summary>
    public string? Directory { get; }

    public SpeechLmConfig Config => Model.Config;
    public SpeechLm Model { get; }
    public TextTokenizer Tokenizer { get; }
    public AudioCodec? Codec { get; }

    /// <summary>The codec, or an InvalidInputException when this directory has none.</summary>
    public AudioCodec RequireCodec() => Codec ?? throw InvalidInputException.ForFile(
        Directory ?? "(speech model)", $"no {CodecDirectoryName}/ part: this model cannot hear or speak audio");

    /// <summary>Loads config, backbone (weights in <paramref name="dtype"/>), heads and codec (float32:
    /// small, and the vocoder's audio is worth full precision) onto <paramref name="device"/>.</summary>
    public static SpeechLmDirectory Load(string directory, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!System.IO.Directory.Exists(directory)) throw InvalidInputException.ForFile(directory, "speech model directory not found");
        string backboneDir = Path.Combine(directory, BackboneDirectoryName);
        if (!System.IO.Directory.Exists(backboneDir)) throw InvalidInputException.ForFile(backboneDir, "backbone directory not found");
        var config = SpeechLmConfig.Load(Path.Combine(directory, SpeechLmConfig.FileName), LlamaConfig.Load(backboneDir));
        string headsPath = Path.Combine(directory, HeadsFileName);
        if (!File.Exists(headsPath)) throw InvalidInputException.ForFile(headsPath, "file not found");
        string codecDir = Path.Combine(directory, CodecDirectoryName);
        bool hasCodec = System.IO.Directory.Exists(codecDir);
        if (hasCodec) CheckCodec(CodecConfig.Load(codecDir), config, Path.Combine(codecDir, CodecConfig.FileName));

        var backbone = HfModelDirectory.Load(backboneDir, dtype, device);
        SpeechLm? model = null;
        AudioCodec? codec = null;
        try
        {
            model = new SpeechLm(config, backbone.Model);
            using (var heads = Checkpoint.Open(headsPath))
                CheckpointLoader.LoadInto(model.Heads, heads, strict: true);
            model.eval();
            if (hasCodec) codec = AudioCodec.Load(codecDir, device, ScalarType.Float32, config.LatentDim);
            return new SpeechLmDirectory(model, backboneDir, codec, directory);
        }
        catch
        {
            codec?.Dispose();
            if (model is not null) model.Dispose();
            else backbone.Dispose();
            throw;
        }
    }

    /// <summary>Writes every part into <paramref name="directory"/> (created if needed), file by file atomically.</summary>
    public void Save(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string backboneDir = Path.Combine(directory, BackboneDirectoryName);
        System.IO.Directory.CreateDirectory(backboneDir);
        var metadata = new Dictionary<string, string> { ["format"] = "pt" };
        SafetensorsWriter.Write(Path.Combine(backboneDir, Checkpoint.SingleFileName), Model.Backbone.state_dict(), metadata);
        // torch_dtype says what the file holds: the model's dtype, whatever the source checkpoint had.
        var backboneConfig = Config.Backbone with { TorchDtype = DTypeName(Model.DType) ?? Config.Backbone.TorchDtype };
        AtomicFile.WriteAllText(Path.Combine(backboneDir, LlamaConfig.FileName), BackboneConfigJson(backboneConfig));
        foreach (string name in TokenizerFileNames)
        {
            string source = Path.Combine(_tokenizerDirectory, name);
            if (File.Exists(source)) AtomicFile.Copy(source, Path.Combine(backboneDir, name));
        }
        SafetensorsWriter.Write(Path.Combine(directory, HeadsFileName), Model.Heads.state_dict(),
            new Dictionary<string, string> { ["format"] = "pt", ["model_type"] = SpeechLmConfig.ModelTypeName });
        Codec?.Save(Path.Combine(directory, CodecDirectoryName));
        Config.Save(directory);   // last: a directory with config.json is complete
    }

    /// <summary>Why <paramref name="codec"/> cannot serve a model with <paramref name="config"/>, or null.</summary>
    public static string? CodecMismatch(CodecConfig codec, SpeechLmConfig config)
    {
        if (codec.LatentDim != config.LatentDim)
            return $"latent_dim {codec.LatentDim} differs from the speech model's latent_dim {config.LatentDim}";
        if ((long)codec.FrameLength * 1000 != (long)config.FrameMs * codec.SampleRate)
            return $"frames of {codec.FrameLength} samples at {codec.SampleRate} Hz are not the speech model's frame_ms {config.FrameMs}";
        return null;
    }

    private static void CheckCodec(CodecConfig codec, SpeechLmConfig config, string path)
    {
        if (CodecMismatch(codec, config) is { } problem) throw InvalidInputException.ForFile(path, problem);
    }

    private static void CheckTokenizer(TextTokenizer tokenizer, SpeechLmConfig config, string path)
    {
        if (tokenizer.VocabSize > config.TextVocabSize)
            throw InvalidInputException.ForFile(path, $"tokenizer has ids up to {tokenizer.VocabSize - 1}, beyond the backbone's vocabulary of {config.TextVocabSize}");
    }

    private static readonly System.Text.Json.JsonSerializerOptions HfJson = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private static string? DTypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Float16 => "float16",
        ScalarType.Float64 => "float64",
        _ => null,
    };

    private static string BackboneConfigJson(LlamaConfig config) => System.Text.Json.JsonSerializer.Serialize(config, HfJson);

    public void Dispose()
    {
        Model.Dispose();
        Codec?.Dispose();
    }
}
