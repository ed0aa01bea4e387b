// The codec as the shard builder's ILatentEncoder: 24 kHz samples → latents through the listen
// encoder, streamed in chunks with one state (CodecFiles.Encode, the path `michi codec encode`
// takes), the last partial frame zero-padded.
using Michi.Data.Shards;
using Michi.Model.Codec;
using Michi.Training.Inference;

namespace Michi.Training.Speech;

public sealed class CodecLatentEncoder(AudioCodec codec) : ILatentEncoder
{
    public int SampleRate => codec.Config.SampleRate;
    public int FrameLength => codec.Config.FrameLength;
    public int LatentDim => codec.Config.LatentDim;
    public string Fingerprint { get; } = Fingerprints.Codec(codec);

    public float[] Encode(float[] samples, CancellationToken ct = default)
    {
        using var latents = CodecFiles.Encode(codec, samples, ct);                     // (frames, D)
        using var cpu = latents.to(TorchSharp.torch.ScalarType.Float32, TorchSharp.torch.CPU).contiguous();
        return cpu.data<float>().ToArray();
    }
}
