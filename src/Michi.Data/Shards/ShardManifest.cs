// manifest.json of a speech shards folder (written last by SpeechShardBuilder; see
// docs/data.md "Speech shards"): the settings every shard was built with, what identifies the
// codec and tokenizer that made them, the voices, the shard list and the utterances skipped
// with their reasons. Readers take the manifest as the list of shards to load.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Michi.Data.Shards;

public sealed record ShardEntry(
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("utterances")] int Utterances,
    [property: JsonPropertyName("frames")] long Frames,
    [property: JsonPropertyName("fingerprint")] string Fingerprint);

public sealed record SkippedUtterance(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("reason")] string Reason);

public sealed record ShardManifest
{
    public const string FileName = "manifest.json";
    public const string FormatName = "michi_speech_shards";
    public const int CurrentVersion = 1;

    /// <summary>Token values of the added tokens in a shard's token streams: −(1 + index in
    /// SpeechLmConfig.AddedTokenNames), so shards do not depend on the backbone's vocabulary size.</summary>
    public const int PadToken = -1, StartOfSpeechToken = -2, EndOfTurnToken = -3;

    [JsonPropertyName("format")] public string Format { get; init; } = FormatName;
    [JsonPropertyName("version")] public int Version { get; init; } = CurrentVersion;
    [JsonPropertyName("sample_rate")] public int SampleRate { get; init; }
    [JsonPropertyName("frame_length")] public int FrameLength { get; init; }
    [JsonPropertyName("latent_dim")] public int LatentDim { get; init; }
    [JsonPropertyName("latent_dtype")] public string LatentDType { get; init; } = "F32";
    [JsonPropertyName("lead_frames")] public int LeadFrames { get; init; }
    [JsonPropertyName("codec_fingerprint")] public string CodecFingerprint { get; init; } = "";
    [JsonPropertyName("tokenizer_fingerprint")] public string TokenizerFingerprint { get; init; } = "";
    [JsonPropertyName("tokenizer_vocab_size")] public int TokenizerVocabSize { get; init; }
    [JsonPropertyName("pad_token")] public int Pad => PadToken;
    [JsonPropertyName("end_of_turn_token")] public int EndOfTurn => EndOfTurnToken;

    /// <summary>The codec's latent of steady silence (2 s of zeros, last frame): the user stream of a
    /// single-speaker utterance.</summary>
    [JsonPropertyName("silence_latent")] public IReadOnlyList<float> SilenceLatent { get; init; } = [];

    [JsonPropertyName("voices")] public IReadOnlyList<string> Voices { get; init; } = [];
    [JsonPropertyName("shards")] public IReadOnlyList<ShardEntry> Shards { get; init; } = [];
    [JsonPropertyName("skipped")] public IReadOnlyList<SkippedUtterance> Skipped { get; init; } = [];
    [JsonPropertyName("utterances")] public int Utterances { get; init; }
    [JsonPropertyName("frames")] public long Frames { get; init; }

    /// <summary>Tokens pushed to a later frame than their nominal one (FrameAligner), summed.</summary>
    [JsonPropertyName("collisions")] public long Collisions { get; init; }

    /// <summary>Tokens (end of turn included) that fell past an utterance's last frame.</summary>
    [JsonPropertyName("dropped_tokens")] public long DroppedTokens { get; init; }

    [JsonIgnore] public double Seconds => Frames * (double)FrameLength / Math.Max(1, SampleRate);

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static ShardManifest Load(string directory)
    {
        if (!Directory.Exists(directory)) throw InvalidInputException.ForFile(directory, "shards folder not found");
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) throw InvalidInputException.ForFile(path, "file not found (write the shards with `michi data shards`)");
        if (new FileInfo(path).Length > 256L << 20) throw InvalidInputException.ForFile(path, "far too large for a shards manifest");
        ShardManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ShardManifest>(File.ReadAllBytes(path), Options);
        }
        catch (JsonException e)
        {
            throw InvalidInputException.ForFile(path, $"invalid JSON ({e.Message.Split('\n')[0]})");
        }
        if (manifest is null || manifest.Format != FormatName) throw InvalidInputException.ForFile(path, $"not a {FormatName} manifest");
        if (manifest.Version != CurrentVersion) throw InvalidInputException.ForFile(path, $"version {manifest.Version} is not {CurrentVersion}");
        if (manifest.LatentDim is < 1 or > 4096 || manifest.FrameLength < 1 || manifest.SampleRate < 1 || manifest.Shards is null
            || manifest.Voices is null || manifest.SilenceLatent is null || manifest.SilenceLatent.Count != manifest.LatentDim)
            throw InvalidInputException.ForFile(path, "latent_dim, frame_length, sample_rate, silence_latent, voices or shards is missing or invalid");
        foreach (var shard in manifest.Shards)
            if (shard is null || string.IsNullOrEmpty(shard.File) || shard.File.Contains('/') || shard.File.Contains('\\') || shard.File.StartsWith('.'))
                throw InvalidInputException.ForFile(path, "a shard entry does not name a file in this folder");
        return manifest;
    }
}
