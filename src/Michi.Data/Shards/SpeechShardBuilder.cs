// `michi data shards`: a synthesised speech corpus (NAME.wav + NAME.json with word timings,
// docs/data.md) → training shards for the speech LM. Per utterance: the audio at the codec's
// rate is encoded to latents (frames × D); its words are tokenised (each with its leading
// space, as byte-level BPE expects) and placed on the frames by FrameAligner twice — with the
// lead δ for the model's own text stream ("inner monologue", DESIGN.md §3) and with lead 0 for
// the listen head's targets (the listen lag is the model's to apply) — PAD elsewhere; end of
// turn goes in the first free frame at or after the last word's audio has ended.
// Shards are fixed-size (a frame budget each), planned up front from the sorted records, so
// the same corpus always gives the same shards: a shard whose file exists with the expected
// fingerprint (settings, codec, tokenizer and the content of its inputs) is skipped, which
// makes a killed run resumable; stale shard files from an older plan are removed; the manifest
// is written last. Bad utterances (unreadable record or WAV, no audio) are reported with the
// reason and skipped. Every file is written atomically.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Michi.Audio;
using Michi.Data.Alignment;
using Michi.Data.Corpus;

namespace Michi.Data.Shards;

public sealed record ShardBuildOptions
{
    public required string SpeechDirectory { get; init; }
    public required string OutputDirectory { get; init; }

    /// <summary>δ: frames between a word's first token and the frame its audio starts in.</summary>
    public int Lead { get; init; } = 2;

    /// <summary>Frames per shard (the last utterance that fits; an utterance is never split).</summary>
    public long ShardFrames { get; init; } = 50_000;

    /// <summary>Store latents as float16 (half the size) instead of float32.</summary>
    public bool Float16 { get; init; }
}

public sealed record ShardBuildReport(ShardManifest Manifest, int ShardsWritten, int ShardsReused);

public static class SpeechShardBuilder
{
    public const string ShardFormatName = "michi_speech_shard";

    public static string ShardFileName(int index) => $"shard-{index:D5}.safetensors";

    public static ShardBuildReport Build(ShardBuildOptions options, ILatentEncoder encoder, ShardTokenizer tokenizer,
        Action<int, int, string?>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (options.Lead is < 0 or > 100) throw new InvalidInputException($"--lead must be in 0..100 (got {options.Lead})");
        if (options.ShardFrames < 1) throw new InvalidInputException($"shard size must be ≥ 1 frame (got {options.ShardFrames})");
        if (encoder.LatentDim < 1 || encoder.FrameLength < 1 || encoder.SampleRate < 1) throw new ArgumentException("encoder reports no latent size, frame length or rate");

        var (plan, skipped) = Plan(options.SpeechDirectory);
        double frameSeconds = encoder.FrameLength / (double)encoder.SampleRate;
        var groups = Pack(plan, frameSeconds, options.ShardFrames);
        string settings = $"{ShardFormatName}|v{ShardManifest.CurrentVersion}|codec={encoder.Fingerprint}|tokenizer={tokenizer.Fingerprint}" +
                          $"|lead={options.Lead}|f16={options.Float16}|rate={encoder.SampleRate}|frame={encoder.FrameLength}|dim={encoder.LatentDim}";
        Directory.CreateDirectory(options.OutputDirectory);

        var entries = new List<ShardEntry>();
        var voices = new SortedSet<string>(StringComparer.Ordinal);
        long collisions = 0, dropped = 0;
        int written = 0, reused = 0, done = 0;
        for (int i = 0; i < groups.Count; i++)
        {
            string path = Path.Combine(options.OutputDirectory, ShardFileName(i));
            string fingerprint = Fingerprint(settings, groups[i]);
            var metadata = TryReadMetadata(path);
            bool reuse = metadata is not null && metadata.GetValueOrDefault("fingerprint") == fingerprint;
            if (!reuse)
            {
                metadata = WriteShard(path, fingerprint, groups[i], options, encoder, tokenizer, frameSeconds, n => progress?.Invoke(done + n, plan.Count, null), ct);
                written++;
            }
            else
            {
                reused++;
            }
            done += groups[i].Count;
            metadata ??= [];
            var shardSkipped = JsonSerializer.Deserialize<SkippedUtterance[]>(metadata["skipped"]) ?? [];
            skipped.AddRange(shardSkipped);
            foreach (string v in JsonSerializer.Deserialize<string[]>(metadata["voice_names"]) ?? []) voices.Add(v);
            collisions += long.Parse(metadata["collisions"], System.Globalization.CultureInfo.InvariantCulture);
            dropped += long.Parse(metadata["dropped_tokens"], System.Globalization.CultureInfo.InvariantCulture);
            entries.Add(new ShardEntry(ShardFileName(i), groups[i].Count - shardSkipped.Length,
                long.Parse(metadata["frames"], System.Globalization.CultureInfo.InvariantCulture), fingerprint));
            progress?.Invoke(done, plan.Count, $"{ShardFileName(i)} {(reuse ? "already done" : "written")}");
        }
        foreach (string stale in Directory.EnumerateFiles(options.OutputDirectory, "shard-*.safetensors"))
            if (!entries.Any(e => e.File == Path.GetFileName(stale))) File.Delete(stale);

        float[] silence = encoder.Encode(new float[2 * encoder.SampleRate], ct);
        var manifest = new ShardManifest
        {
            SampleRate = encoder.SampleRate, FrameLength = encoder.FrameLength, LatentDim = encoder.LatentDim,
            LatentDType = options.Float16 ? "F16" : "F32", LeadFrames = options.Lead,
            CodecFingerprint = encoder.Fingerprint, TokenizerFingerprint = tokenizer.Fingerprint, TokenizerVocabSize = tokenizer.VocabSize,
            SilenceLatent = silence[^encoder.LatentDim..], Voices = [.. voices], Shards = entries,
            Skipped = skipped.OrderBy(s => s.Name, StringComparer.Ordinal).ToList(),
            Utterances = entries.Sum(e => e.Utterances), Frames = entries.Sum(e => e.Frames), Collisions = collisions, DroppedTokens = dropped,
        };
        WriteText(Path.Combine(options.OutputDirectory, ShardManifest.FileName), manifest.ToJson());
        return new ShardBuildReport(manifest, written, reused);
    }

    internal sealed record PlannedUtterance(string Name, string JsonPath, string WavPath, UtteranceRecord Record);

    /// <summary>Every NAME.json with its NAME.wav, in name order; unreadable records are skipped with the reason.</summary>
    internal static (List<PlannedUtterance> Plan, List<SkippedUtterance> Skipped) Plan(string speechDirectory)
    {
        if (!Directory.Exists(speechDirectory)) throw InvalidInputException.ForFile(speechDirectory, "speech folder not found");
        var plan = new List<PlannedUtterance>();
        var skipped = new List<SkippedUtterance>();
        var records = Directory.GetFiles(speechDirectory, "*.json").Order(StringComparer.Ordinal).ToList();
        foreach (string json in records)
        {
            string name = Path.GetFileNameWithoutExtension(json);
            string wav = Path.ChangeExtension(json, ".wav");
            if (!File.Exists(wav)) { skipped.Add(new(name, $"{wav}: no such file")); continue; }
            try
            {
                plan.Add(new PlannedUtterance(name, json, wav, UtteranceRecord.Read(json)));
            }
            catch (InvalidInputException e)
            {
                skipped.Add(new(name, e.Message));
            }
        }
        if (plan.Count == 0)
            throw InvalidInputException.ForFile(speechDirectory, records.Count == 0
                ? "holds no utterance records (NAME.json + NAME.wav, as `michi data synth` writes)"
                : $"none of its {records.Count} utterance records is usable (first: {skipped[0].Reason})");
        return (plan, skipped);
    }

    /// <summary>Consecutive utterances per shard, up to <paramref name="budget"/> frames each (by the records' durations).</summary>
    internal static List<List<PlannedUtterance>> Pack(List<PlannedUtterance> plan, double frameSeconds, long budget)
    {
        var groups = new List<List<PlannedUtterance>>();
        List<PlannedUtterance>? current = null;
        long frames = 0;
        foreach (var u in plan)
        {
            long f = FrameAligner.FrameCount(u.Record.Duration, frameSeconds);
            if (current is null || (current.Count > 0 && frames + f > budget))
            {
                current = [];
                groups.Add(current);
                frames = 0;
            }
            current.Add(u);
            frames += f;
        }
        return groups;
    }

    private static string Fingerprint(string settings, List<PlannedUtterance> group)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(settings));
        foreach (var u in group)
        {
            sha.AppendData(Encoding.UTF8.GetBytes($"|{u.Name}|{new FileInfo(u.WavPath).Length}|"));
            sha.AppendData(File.ReadAllBytes(u.JsonPath));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static Dictionary<string, string>? TryReadMetadata(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            var metadata = ShardFile.ReadMetadata(path);
            string[] needed = ["fingerprint", "skipped", "voice_names", "collisions", "dropped_tokens", "frames"];
            return metadata.GetValueOrDefault("format") == ShardFormatName && needed.All(metadata.ContainsKey)
                ? new Dictionary<string, string>(metadata) : null;
        }
        catch (InvalidInputException)
        {
            return null;   // a damaged shard is rebuilt
        }
    }

    private static Dictionary<string, string> WriteShard(string path, string fingerprint, List<PlannedUtterance> group, ShardBuildOptions options,
        ILatentEncoder encoder, ShardTokenizer tokenizer, double frameSeconds, Action<int> progress, CancellationToken ct)
    {
        var latents = new List<float>();
        var tokens = new List<int>();
        var onsets = new List<int>();
        var offsets = new List<long> { 0 };
        var names = new List<string>();
        var voiceNames = new List<string>();
        var voiceIds = new List<int>();
        var skipped = new List<SkippedUtterance>();
        long collisions = 0, dropped = 0;
        for (int n = 0; n < group.Count; n++)
        {
            ct.ThrowIfCancellationRequested();
            var u = group[n];
            try
            {
                var (samples, rate) = WavFile.ReadMono(u.WavPath);
                if (rate != encoder.SampleRate && samples.Length > 0) samples = Resampler.Resample(samples, rate, encoder.SampleRate);
                if (samples.Length == 0) throw InvalidInputException.ForFile(u.WavPath, "contains no audio samples");
                float[] z = encoder.Encode(samples, ct);
                int frames = z.Length / encoder.LatentDim;
                var words = u.Record.Words.Select(w => (w.Word, w.Start)).ToList();
                var aligned = FrameAligner.Align(words, tokenizer.Encode, frames, ShardManifest.PadToken, new FrameAlignmentOptions { FrameSeconds = frameSeconds, Lead = options.Lead });
                var heard = FrameAligner.Align(words, tokenizer.Encode, frames, ShardManifest.PadToken, new FrameAlignmentOptions { FrameSeconds = frameSeconds, Lead = 0 });
                foreach (int id in aligned.Tokens)
                    if (id != ShardManifest.PadToken && (id < 0 || id >= tokenizer.VocabSize))
                        throw new InvalidOperationException($"tokenizer returned id {id} outside its vocabulary of {tokenizer.VocabSize}");
                int[] stream = aligned.Tokens;
                bool endPlaced = PlaceEndOfTurn(stream, u.Record.Words.Count == 0 ? 0 : u.Record.Words[^1].End, frameSeconds);
                latents.AddRange(z);
                tokens.AddRange(stream);
                onsets.AddRange(heard.Tokens);
                offsets.Add(offsets[^1] + frames);
                names.Add(u.Name);
                int voice = voiceNames.IndexOf(u.Record.Voice);
                if (voice < 0) { voice = voiceNames.Count; voiceNames.Add(u.Record.Voice); }
                voiceIds.Add(voice);
                collisions += aligned.Collisions;
                dropped += aligned.Dropped + (endPlaced ? 0 : 1);
            }
            catch (Exception e) when (e is InvalidInputException or IOException or InvalidDataException or UnauthorizedAccessException)
            {
                skipped.Add(new SkippedUtterance(u.Name, e.Message.ReplaceLineEndings(" ")));
            }
            progress(n + 1);
        }
        long total = offsets[^1];
        var tensors = new Dictionary<string, ShardTensor>
        {
            ["latents"] = options.Float16 ? ShardTensor.Float16(latents.ToArray(), total, encoder.LatentDim)
                                          : ShardTensor.Float32(latents.ToArray(), total, encoder.LatentDim),
            ["tokens"] = ShardTensor.Int32(tokens.ToArray(), total),
            ["onset_tokens"] = ShardTensor.Int32(onsets.ToArray(), total),
            ["offsets"] = ShardTensor.Int64(offsets.ToArray(), offsets.Count),
            ["voices"] = ShardTensor.Int32(voiceIds.ToArray(), voiceIds.Count),
        };
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var metadata = new Dictionary<string, string>
        {
            ["format"] = ShardFormatName,
            ["version"] = ShardManifest.CurrentVersion.ToString(inv),
            ["fingerprint"] = fingerprint,
            ["names"] = JsonSerializer.Serialize(names),
            ["voice_names"] = JsonSerializer.Serialize(voiceNames),
            ["skipped"] = JsonSerializer.Serialize(skipped),
            ["frames"] = total.ToString(inv),
            ["lead_frames"] = options.Lead.ToString(inv),
            ["collisions"] = collisions.ToString(inv),
            ["dropped_tokens"] = dropped.ToString(inv),
        };
        ShardFile.Write(path, tensors, metadata);
        return metadata;
    }

    /// <summary>Puts end of turn in the first PAD frame at or after both the last placed token and the
    /// frame in which the last word's audio ends; false when no frame is left.</summary>
    internal static bool PlaceEndOfTurn(int[] stream, double lastWordEnd, double frameSeconds)
    {
        int afterTokens = Array.FindLastIndex(stream, t => t != ShardManifest.PadToken) + 1;
        int audioEnd = (int)Math.Ceiling(lastWordEnd / frameSeconds - 1e-9);
        int frame = Math.Max(afterTokens, audioEnd);
        if (frame >= stream.Length) frame = stream.Length - 1;
        if (frame < afterTokens || frame < 0) return false;
        stream[frame] = ShardManifest.EndOfTurnToken;
        return true;
    }

    private static void WriteText(string path, string text)
    {
        string temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
