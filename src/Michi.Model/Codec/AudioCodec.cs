// The audio codec: listen encoder + vocoder, trained together as an autoencoder (DESIGN.md
// §2.2). Weights only; each session creates its own encoder/vocoder states. A model directory
// holds config.json (CodecConfig) and model.safetensors (state-dict names `encoder.…`,
// `vocoder.…`), both written atomically through the checkpoint API and loaded strictly: a
// missing, unexpected or wrongly shaped tensor (e.g. a latent_dim that does not match the
// weights) is an InvalidInputException naming the file.
// Shapes: samples (B, N) ⇄ latents (B, N / frame_length, D).
using TorchSharp;
using TorchSharp.Utils;
using Michi.Model.Checkpoints;
using static TorchSharp.torch;

namespace Michi.Model.Codec;

public sealed class AudioCodec : nn.Module
{
    [ComponentName(Name = "encoder")] private readonly ListenEncoder _encoder;
    [ComponentName(Name = "vocoder")] private readonly Vocoder _vocoder;

    public AudioCodec(CodecConfig config) : base(nameof(AudioCodec))
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        _encoder = new ListenEncoder(config);
        _vocoder = new Vocoder(config);
        RegisterComponents();
    }

    public CodecConfig Config { get; }
    public ListenEncoder Encoder => _encoder;
    public Vocoder Vocoder => _vocoder;

    /// <summary>Number of parameters (every element of every weight).</summary>
    public long ParameterCount => CountParameters(this);

    public static long CountParameters(nn.Module module) => module.parameters().Sum(p => p.numel());

    /// <summary>samples (B, N) → latents (B, ⌊N / frame_length⌋, D) (posterior means), offline.</summary>
    public Tensor Encode(Tensor samples) => _encoder.call(samples);

    /// <summary>latents (B, L, D) → samples (B, L·frame_length), offline.</summary>
    public Tensor Decode(Tensor latents) => _vocoder.call(latents);

    /// <summary>Throws InvalidInputException when <paramref name="latents"/> (read from
    /// <paramref name="source"/>) is not (B, L, latent_dim) or (L, latent_dim).</summary>
    public void CheckLatents(Tensor latents, string source)
    {
        long[] shape = latents.shape;
        if (shape.Length is < 2 or > 3 || shape[^1] != Config.LatentDim)
            throw InvalidInputException.ForFile(source,
                $"latents shaped ({string.Join(", ", shape)}); this codec takes (frames, {Config.LatentDim}) or (batch, frames, {Config.LatentDim})");
    }

    /// <summary>Writes config.json and model.safetensors into <paramref name="directory"/>.</summary>
    public void Save(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        var state = state_dict();
        SafetensorsWriter.Write(Path.Combine(directory, Checkpoint.SingleFileName), state,
            new Dictionary<string, string> { ["format"] = "pt", ["model_type"] = CodecConfig.ModelTypeName });
        Config.Save(directory);
    }

    /// <summary>Builds the codec described by <paramref name="directory"/>/config.json and loads
    /// its weights strictly; eval mode. <paramref name="expectedLatentDim"/>, when given, must
    /// match the config (the latent size of the model that will consume these latents).</summary>
    public static AudioCodec Load(string directory, Device? device = null, ScalarType dtype = ScalarType.Float32,
        int? expectedLatentDim = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory)) throw InvalidInputException.ForFile(directory, "codec model directory not found");
        var config = CodecConfig.Load(directory);
        if (expectedLatentDim is { } d && d != config.LatentDim)
            throw InvalidInputException.ForFile(Path.Combine(directory, CodecConfig.FileName),
                $"latent_dim is {config.LatentDim}, but {d} is required");
        var codec = new AudioCodec(config);
        try
        {
            using (var checkpoint = Checkpoint.Open(directory))
                CheckpointLoader.LoadInto(codec, checkpoint, strict: true);
            if (device is not null || dtype != ScalarType.Float32) codec.to(device ?? torch.CPU, dtype);
            codec.eval();
            return codec;
        }
        catch
        {
            codec.Dispose();
            throw;
        }
    }
}
