// The speech shards of a folder, loaded whole into memory for training (3 h of speech at
// 12.5 Hz × 32 float32 latents is ≈ 17 MB): per utterance its name, voice, latents (frames × D,
// float32 whatever the stored dtype), the model's aligned text stream and the onset stream of
// the listen head, with the added tokens as ShardManifest's negative sentinels. Every shard is
// checked against the manifest (latent size, fingerprint, consistent offsets and lengths);
// a problem is an InvalidInputException naming the file.
using System.Text.Json;

namespace Michi.Data.Shards;

public sealed record ShardUtterance(string Name, int Voice, float[] Latents, int[] Tokens, int[] OnsetTokens)
{
    public int Frames => Tokens.Length;
}

public sealed class SpeechShardSet
{
    private SpeechShardSet(string directory, ShardManifest manifest, List<ShardUtterance> utterances)
    {
        Directory = directory;
        Manifest = manifest;
        Utterances = utterances;
    }

    public string Directory { get; }
    public ShardManifest Manifest { get; }
    public IReadOnlyList<ShardUtterance> Utterances { get; }
    public int LatentDim => Manifest.LatentDim;
    public long Frames => Utterances.Sum(u => (long)u.Frames);

    public static SpeechShardSet Load(string directory, CancellationToken ct = default)
    {
        var manifest = ShardManifest.Load(directory);
        if (manifest.Shards.Count == 0) throw InvalidInputException.ForFile(Path.Combine(directory, ShardManifest.FileName), "lists no shards");
        var voices = manifest.Voices.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i, StringComparer.Ordinal);
        var utterances = new List<ShardUtterance>();
        int d = manifest.LatentDim;
        foreach (var entry in manifest.Shards)
        {
            ct.ThrowIfCancellationRequested();
            string path = Path.Combine(directory, entry.File);
            var (tensors, metadata) = ShardFile.Read(path);
            if (metadata.GetValueOrDefault("format") != SpeechShardBuilder.ShardFormatName)
                throw InvalidInputException.ForFile(path, $"not a {SpeechShardBuilder.ShardFormatName} file");
            if (metadata.GetValueOrDefault("fingerprint") != entry.Fingerprint)
                throw InvalidInputException.ForFile(path, "does not match the manifest (rebuilt or replaced since): run `michi data shards` again");
            ShardTensor Need(string name, string? dtype = null) =>
                tensors.TryGetValue(name, out var t) && (dtype is null || t.DType == dtype) ? t
                    : throw InvalidInputException.ForFile(path, $"tensor '{name}' is missing or not {dtype ?? "a float tensor"}");
            var latentTensor = Need("latents");
            if (latentTensor.DType is not ("F32" or "F16") || latentTensor.Shape.Length != 2 || latentTensor.Shape[1] != d)
                throw InvalidInputException.ForFile(path, $"latents shaped [{string.Join(", ", latentTensor.Shape)}] {latentTensor.DType}; the manifest says (frames, {d})");
            float[] latents = latentTensor.ToFloat32();
            int[] tokens = Need("tokens", "I32").ToInt32();
            int[] onsets = Need("onset_tokens", "I32").ToInt32();
            long[] offsets = Need("offsets", "I64").ToInt64();
            int[] voiceIds = Need("voices", "I32").ToInt32();
            string[] names, voiceNames;
            try
            {
                names = JsonSerializer.Deserialize<string[]>(metadata.GetValueOrDefault("names", "")) ?? [];
                voiceNames = JsonSerializer.Deserialize<string[]>(metadata.GetValueOrDefault("voice_names", "")) ?? [];
            }
            catch (JsonException)
            {
                throw InvalidInputException.ForFile(path, "names or voice_names metadata is not a JSON list");
            }
            long frames = latentTensor.Shape[0];
            int count = offsets.Length - 1;
            if (count < 0 || offsets[0] != 0 || offsets[^1] != frames || tokens.Length != frames || onsets.Length != frames
                || voiceIds.Length != count || names.Length != count || count != entry.Utterances
                || offsets.Zip(offsets.Skip(1)).Any(p => p.Second < p.First))
                throw InvalidInputException.ForFile(path, "offsets, token streams, voices and names disagree in length");
            for (int u = 0; u < count; u++)
            {
                if ((uint)voiceIds[u] >= (uint)voiceNames.Length || !voices.TryGetValue(voiceNames[voiceIds[u]], out int voice))
                    throw InvalidInputException.ForFile(path, $"utterance {names[u]} has a voice the manifest does not list");
                int start = (int)offsets[u], length = (int)(offsets[u + 1] - offsets[u]);
                utterances.Add(new ShardUtterance(names[u], voice, latents.AsSpan(start * d, length * d).ToArray(),
                    tokens.AsSpan(start, length).ToArray(), onsets.AsSpan(start, length).ToArray()));
            }
        }
        if (utterances.Count == 0) throw InvalidInputException.ForFile(directory, "the shards hold no utterances");
        return new SpeechShardSet(directory, manifest, utterances);
    }
}
