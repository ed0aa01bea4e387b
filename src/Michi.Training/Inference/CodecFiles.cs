// File-level codec operations behind `michi codec encode|decode|resynth`: WAV (any rate or
// channel count, converted to the codec's mono rate at the edge) ⇄ latents ⇄ WAV.
// Long inputs stream through the encoder and vocoder in chunks of ChunkFrames frames with one
// state each (the same code path as a live session, so memory stays bounded); the last partial
// frame is zero-padded, and decoding trims back to the original length when the latents file
// records it.
// Latents file: safetensors with one F32 tensor "latents" (frames, latent_dim) and metadata
// model_type = "michi_codec_latents", sampling_rate, frame_length, latent_dim and samples (the
// audio length it came from).
// A model argument may be a codec model directory (config.json + model.safetensors) or a
// training output folder, which means its latest checkpoint.
using System.Globalization;
using Michi.Model;
using Michi.Model.Checkpoints;
using Michi.Model.Codec;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Training.Inference;

public static class CodecFiles
{
    public const string LatentsName = "latents";
    public const string LatentsModelType = "michi_codec_latents";
    public const int ChunkFrames = 125;   // 10 s at 80 ms

    /// <summary>A codec model directory, or the latest checkpoint of a training output folder.</summary>
    public static string ResolveModelDirectory(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (File.Exists(Path.Combine(path, CodecConfig.FileName))) return path;
        if (Directory.Exists(Path.Combine(path, CheckpointStore.FolderName)))
            return new CheckpointStore(path).Latest()
                ?? throw InvalidInputException.ForFile(path, "training folder holds no checkpoint yet");
        if (!Directory.Exists(path)) throw InvalidInputException.ForFile(path, "codec model directory not found");
        throw InvalidInputException.ForFile(path, $"neither a codec model directory ({CodecConfig.FileName}) nor a training output folder");
    }

    public static AudioCodec LoadModel(string path) => AudioCodec.Load(ResolveModelDirectory(path));

    /// <summary>Mono samples of <paramref name="wavPath"/> at the codec's rate; empty audio is an error.</summary>
    public static float[] ReadAudio(string wavPath, int sampleRate)
    {
        float[] samples = AudioFolder.ReadAt(wavPath, sampleRate);
        if (samples.Length == 0) throw InvalidInputException.ForFile(wavPath, "contains no audio samples");
        return samples;
    }

    /// <summary>samples → latents (frames, D), streaming; the last partial frame is zero-padded.</summary>
    public static Tensor Encode(AudioCodec codec, ReadOnlySpan<float> samples, CancellationToken ct = default)
    {
        int frame = codec.Config.FrameLength;
        long frames = (samples.Length + frame - 1) / frame;
        var padded = new float[frames * frame];
        samples.CopyTo(padded);
        using var _ = torch.no_grad();
        using var state = codec.Encoder.CreateState(1);
        var parts = new List<Tensor>();
        try
        {
            for (long first = 0; first < frames; first += ChunkFrames)
            {
                ct.ThrowIfCancellationRequested();
                long count = Math.Min(ChunkFrames, frames - first);
                using var chunk = torch.tensor(padded.AsSpan((int)(first * frame), (int)(count * frame)).ToArray(), [1, count * frame]);
                using var pause = GcPause.Start();   // TorchSharp's temporary Scalars: see Michi.Model/GcPause.cs
                parts.Add(codec.Encoder.Step(chunk, state));                           // (1, count, D)
            }
            using var all = torch.cat(parts, 1);                                        // (1, frames, D)
            return all.squeeze(0).contiguous();                                         // (frames, D)
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }

    /// <summary>latents (frames, D) or (1, frames, D) → samples, streaming.</summary>
    public static float[] Decode(AudioCodec codec, Tensor latents, string source, CancellationToken ct = default)
    {
        codec.CheckLatents(latents, source);
        if (latents.dim() == 3 && latents.shape[0] != 1)
            throw InvalidInputException.ForFile(source, $"holds a batch of {latents.shape[0]} latent sequences; decode takes one");
        using var _ = torch.no_grad();
        using var sequence = (latents.dim() == 3 ? latents.squeeze(0) : latents.alias()).to(ScalarType.Float32); // (frames, D)
        long frames = sequence.shape[0];
        var output = new float[frames * codec.Config.FrameLength];
        using var state = codec.Vocoder.CreateState(1);
        for (long first = 0; first < frames; first += ChunkFrames)
        {
            ct.ThrowIfCancellationRequested();
            long count = Math.Min(ChunkFrames, frames - first);
            using var chunk = sequence.narrow(0, first, count).unsqueeze(0);            // (1, count, D)
            using var pause = GcPause.Start();   // TorchSharp's temporary Scalars: see Michi.Model/GcPause.cs
            using var samples = codec.Vocoder.Step(chunk, state);                       // (1, count·frame)
            using var flat = samples.reshape(-1).contiguous();
            flat.data<float>().CopyTo(output, checked((int)(first * codec.Config.FrameLength)));
        }
        return output;
    }

    public static void WriteLatents(string path, Tensor latents, CodecConfig config, long samples)
    {
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["model_type"] = LatentsModelType,
            ["sampling_rate"] = config.SampleRate.ToString(CultureInfo.InvariantCulture),
            ["frame_length"] = config.FrameLength.ToString(CultureInfo.InvariantCulture),
            ["latent_dim"] = config.LatentDim.ToString(CultureInfo.InvariantCulture),
            ["samples"] = samples.ToString(CultureInfo.InvariantCulture),
        };
        SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { [LatentsName] = latents }, metadata);
    }

    /// <summary>The "latents" tensor of a latents file (CPU, float32) and the sample count it records (or null).</summary>
    public static (Tensor Latents, long? Samples) ReadLatents(string path)
    {
        using var file = SafetensorsFile.Open(path);
        if (!file.Entries.ContainsKey(LatentsName))
            throw InvalidInputException.ForFile(path, $"holds no tensor named \"{LatentsName}\" (not a latents file written by `michi codec encode`?)");
        long? samples = file.Metadata.TryGetValue("samples", out string? s) && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long n)
            ? n : null;
        return (file.ReadTensor(LatentsName, ScalarType.Float32), samples);
    }

    /// <summary>Trims decoded audio to the recorded length when that is shorter.</summary>
    public static float[] Trim(float[] samples, long? length) =>
        length is { } n && n >= 0 && n < samples.Length ? samples[..(int)n] : samples;
}
