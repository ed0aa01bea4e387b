// config.json of a Michi audio codec (listen encoder + vocoder): sample rate, frame length
// (DESIGN.md §1: 80 ms = 1920 samples at 24 kHz), latent dimension, and the two networks'
// shapes. Presets, built for different jobs:
// - Tiny: a few thousand parameters, for tests (a training step in milliseconds).
// - Small: built for this 2-core CPU (NOTES.md): a bottleneck SEANet encoder (8 channels at
//   full rate doubling to 256, two units with dilations 1, 3 per level, leaky ReLU: Snake
//   cost ≈ 0.9 ms per frame there, for an analysis network that does not need its periodic
//   bias), and a Snake iSTFT vocoder (384 channels, rates 4·4·2, hop 60, n_fft 240) whose
//   last layers run at 1/60 of the sample rate. Sized by measurement to stay well inside
//   ≤ 3 ms (encoder) / ≤ 5 ms (vocoder) per streamed 80 ms frame on one thread (≈ 1.6 and
//   2.7 ms of CPU here; three units per level cost ≈ 2.1 ms, 16 full-rate channels ≈ 4.5 ms)
//   and to train as many steps per CPU hour as possible.
// - SmallHarmonic ("small-hn"): Small's encoder and a harmonic-plus-noise vocoder (HarmonicHead):
//   an oscillator bank driven by a predicted F0 makes the pitch harmonics the iSTFT vocoder
//   had not learned after 9k CPU steps (docs/quality.md), so training only learns F0 and
//   envelopes, at a 100 Hz control rate.
// - Paper: HiFi-GAN V1-class vocoder (512 initial channels, ResBlock1 with kernels 3/7/11 ×
//   dilations 1/3/5, waveform output, ≈ 13.7M parameters as V1's 13.9M) with rates
//   8·6·5·4·2 = 1920, and a SEANet encoder with Mimi's 64 filters: for users with a GPU.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Michi.Model.Codec;

public sealed record CodecConfig
{
    public const string FileName = "config.json";
    public const string ModelTypeName = "michi_codec";

    [JsonPropertyName("model_type")] public string ModelType { get; init; } = ModelTypeName;
    [JsonPropertyName("sampling_rate")] public int SampleRate { get; init; } = 24000;

    /// <summary>Samples per latent (one 80 ms frame at 24 kHz).</summary>
    [JsonPropertyName("frame_length")] public int FrameLength { get; init; } = 1920;

    [JsonPropertyName("latent_dim")] public int LatentDim { get; init; } = 32;
    [JsonPropertyName("encoder")] public ListenEncoderConfig Encoder { get; init; } = new();
    [JsonPropertyName("vocoder")] public VocoderConfig Vocoder { get; init; } = new();

    /// <summary>Latent frames per second (12.5 by default).</summary>
    [JsonIgnore] public double FrameRate => (double)SampleRate / FrameLength;

    public static CodecConfig Tiny { get; } = new()
    {
        LatentDim = 8,
        Encoder = new() { Channels = 4, MaxChannels = 16, ResidualDilations = [1, 3], KernelSize = 5 },
        Vocoder = new()
        {
            InitialChannels = 32, UpsampleRates = [4, 4], UpsampleKernelSizes = [8, 8], ResblockKernelSizes = [3],
            ResblockDilationSizes = [[1, 3]], ResblockBottleneck = 2, Activation = Nn.Activation.SnakeName, IstftNFft = 480,
        },
    };

    public static CodecConfig Small { get; } = new()
    {
        Encoder = new() { Channels = 8, MaxChannels = 256, ResidualDilations = [1, 3], Activation = Nn.Activation.LeakyReluName },
        Vocoder = new()
        {
            InitialChannels = 384, UpsampleRates = [4, 4, 2], UpsampleKernelSizes = [8, 8, 4], ResblockKernelSizes = [3, 7],
            ResblockDilationSizes = [[1, 3, 5], [1, 3, 5]], ResblockBottleneck = 2, Activation = Nn.Activation.SnakeName,
            IstftNFft = 240,
        },
    };

    /// <summary>Small's encoder with the harmonic-plus-noise vocoder (HarmonicHead): one ×8
    /// upsampling from the 12.5 Hz latents to 100 Hz control points, 64 harmonics of a predicted
    /// F0 under an 80-point envelope, and an n_fft 480 iSTFT for the aperiodic part.</summary>
    public static CodecConfig SmallHarmonic { get; } = new()
    {
        Encoder = Small.Encoder,
        Vocoder = new()
        {
            InitialChannels = 384, UpsampleRates = [8], UpsampleKernelSizes = [16], ResblockKernelSizes = [3, 7],
            ResblockDilationSizes = [[1, 3, 5], [1, 3, 5]], ResblockBottleneck = 2, Activation = Nn.Activation.LeakyReluName,
            IstftNFft = 480, Harmonics = 64, HarmonicEnvelopeBins = 80, PostKernelSize = 3,
        },
    };

    public static CodecConfig Paper { get; } = new()
    {
        Encoder = new() { Channels = 64, MaxChannels = 512, ResidualDilations = [1, 3, 9] },
        Vocoder = new(),
    };

    public static IReadOnlyList<string> PresetNames { get; } = ["tiny", "small", "small-hn", "paper"];

    /// <summary>The preset with this name ("tiny", "small", "paper"), or null.</summary>
    public static CodecConfig? Preset(string name) => name.ToLowerInvariant() switch
    {
        "tiny" => Tiny,
        "small" => Small,
        "small-hn" => SmallHarmonic,
        "paper" => Paper,
        _ => null,
    };

    /// <summary>The first problem that makes this config unusable, or null.</summary>
    public string? Validate()
    {
        if (ModelType != ModelTypeName) return $"model_type \"{ModelType}\" is not \"{ModelTypeName}\"";
        if (SampleRate < 1 || SampleRate > 1_000_000) return $"sampling_rate must be in 1..1000000 (got {SampleRate})";
        if (FrameLength < 1 || FrameLength > 1 << 20) return $"frame_length must be in 1..{1 << 20} (got {FrameLength})";
        if (LatentDim < 1 || LatentDim > 1 << 16) return $"latent_dim must be in 1..{1 << 16} (got {LatentDim})";
        if (Encoder is null) return "encoder is missing";
        if (Vocoder is null) return "vocoder is missing";
        string? problem = Encoder.Validate();
        if (problem is not null) return problem;
        if (Encoder.TotalStride != FrameLength)
            return $"encoder.strides multiply to {Encoder.TotalStride}, not frame_length {FrameLength}";
        return Vocoder.Validate(FrameLength);
    }

    private static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, WriteOptions);

    /// <summary>Writes config.json into <paramref name="directory"/> atomically.</summary>
    public void Save(string directory)
    {
        string? problem = Validate();
        if (problem is not null) throw new InvalidOperationException($"refusing to save an invalid codec config: {problem}");
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, FileName);
        string temp = Path.Combine(directory, $".{FileName}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temp, ToJson());
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Reads and validates config.json (a file, or a directory holding one).</summary>
    public static CodecConfig Load(string fileOrDirectory)
    {
        ArgumentNullException.ThrowIfNull(fileOrDirectory);
        string path = Directory.Exists(fileOrDirectory) ? Path.Combine(fileOrDirectory, FileName) : fileOrDirectory;
        CodecConfig config = BoundedJson.Read<CodecConfig>(path, "a codec config.json", "codec config");
        string? problem = config.Validate();
        if (problem is not null) throw InvalidInputException.ForFile(path, problem);
        return config;
    }
}
