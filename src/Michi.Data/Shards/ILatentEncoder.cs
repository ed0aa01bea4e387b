// What the shard builder needs from an audio codec and a tokenizer, as interfaces, so this
// project stays free of TorchSharp: the CLI passes the real codec (Michi.Training.Speech.
// CodecLatentEncoder) and tokenizer; tests pass small fakes.
namespace Michi.Data.Shards;

public interface ILatentEncoder
{
    int SampleRate { get; }

    /// <summary>Samples per latent frame.</summary>
    int FrameLength { get; }

    int LatentDim { get; }

    /// <summary>Identifies the weights (e.g. a hash of the checkpoint): shards record it.</summary>
    string Fingerprint { get; }

    /// <summary>⌈N / FrameLength⌉ latents for N samples (the last frame zero-padded), row-major (frames × LatentDim).</summary>
    float[] Encode(float[] samples, CancellationToken ct = default);
}

/// <param name="Encode">Text → token ids (no special tokens).</param>
/// <param name="VocabSize">Ids are below this.</param>
/// <param name="Fingerprint">Identifies the vocabulary (e.g. a hash of tokenizer.json).</param>
public sealed record ShardTokenizer(Func<string, int[]> Encode, int VocabSize, string Fingerprint);
