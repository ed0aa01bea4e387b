// What identifies a codec's weights and a tokenizer's vocabulary, so that shards, which record
// both, are never trained with a model whose codec or tokenizer differs (the latents would be
// in another space, the ids another vocabulary). Codec: SHA-256 over the state dict (names,
// shapes and float32 bytes in name order), independent of how the file was written. Tokenizer:
// SHA-256 of tokenizer.json.
using System.Security.Cryptography;
using System.Text;
using Michi.Model.Codec;
using TorchSharp;

namespace Michi.Training.Speech;

public static class Fingerprints
{
    public static string Codec(AudioCodec codec)
    {
        ArgumentNullException.ThrowIfNull(codec);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, tensor) in codec.state_dict().OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes($"{name}[{string.Join(",", tensor.shape)}]"));
            using var values = tensor.detach().to(torch.ScalarType.Float32, torch.CPU).contiguous();
            sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.data<float>().ToArray().AsSpan()));
        }
        return "sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    public static string Tokenizer(string tokenizerDirectory)
    {
        string path = Path.Combine(tokenizerDirectory, "tokenizer.json");
        if (!File.Exists(path)) throw InvalidInputException.ForFile(path, "file not found");
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
    }
}
