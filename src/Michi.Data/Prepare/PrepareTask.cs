// One input file through the `data prepare` steps: read → 24 kHz mono → words (the synthetic
// record's exact times; or the transcript aligned by PocketSphinx, the energy estimate when that
// fails; or, with no transcript, pieces cut at silences transcribed by Whisper and then aligned)
// → pieces of at most segment_max_seconds cut at pauses → NAME.wav + NAME.json (UtteranceRecord,
// the format `data synth` writes, so everything downstream is shared). The WAV is written before
// the JSON, each atomically. The task is skipped when the journal has it with the same input
// hash and settings and every output still has its recorded hash.
using System.Security.Cryptography;
using System.Text;
using Michi.Audio;
using Michi.Data.Corpus;
using Michi.Data.Synthesis;

namespace Michi.Data.Prepare;

public sealed record PrepareContext(
    string SpeechDirectory,
    string Settings,
    double SegmentMaxSeconds,
    bool ForcedAlignment,
    ITranscriber? Transcriber);

public enum TaskOutcome { Prepared, AlreadyDone }

public static class PrepareTask
{
    public const int SampleRate = 24000;
    const long MaxTranscriptBytes = 1 << 20;

    /// <summary>Runs the task (or recognises it as done); bad input throws InvalidInputException naming the file.</summary>
    public static async Task<(PreparedInput Record, TaskOutcome Outcome)> RunAsync(SourceItem item, PrepareContext context,
        PrepareJournal journal, CancellationToken ct)
    {
        string? transcript = ReadTranscript(item);
        string inputHash = InputHash(item, transcript, context);
        if (journal.Find(item.Key) is { } done && done.InputSha256 == inputHash && done.Settings == context.Settings &&
            done.Outputs.All(o => OutputIntact(context.SpeechDirectory, o)))
            return (done, TaskOutcome.AlreadyDone);

        var (raw, rate) = WavFile.ReadMono(item.AudioPath);
        if (raw.Length == 0) throw InvalidInputException.ForFile(item.AudioPath, "contains no audio samples");
        if (rate < 1000) throw InvalidInputException.ForFile(item.AudioPath, $"sample rate {rate} Hz is too low for speech");
        foreach (float v in raw)
            if (!float.IsFinite(v)) throw InvalidInputException.ForFile(item.AudioPath, "contains NaN or infinite samples");
        float[] x = rate == SampleRate ? raw : Resampler.Resample(raw, rate, SampleRate);
        double duration = (double)x.Length / SampleRate;

        var pieces = new List<Piece>();
        UtteranceRecord? source = null;
        if (item.RecordPath is not null)
        {
            source = UtteranceRecord.Read(item.RecordPath);
            if (source.Words.Count == 0) throw InvalidInputException.ForFile(item.RecordPath, "has no words");
            pieces = Cut(x, source.WordTimings, source.Timing, context.SegmentMaxSeconds);
        }
        else if (transcript is not null)
        {
            if (transcript.Length == 0) throw InvalidInputException.ForFile(item.TranscriptPath ?? item.AudioPath, "empty transcript");
            var (words, timing) = await AlignAsync(x, transcript, context, ct);
            pieces = Cut(x, words, timing, context.SegmentMaxSeconds);
        }
        else
        {
            if (context.Transcriber is null)
                throw InvalidInputException.ForFile(item.AudioPath, "no transcript (NAME.txt, NAME.lab, ID.normalized.txt) and no Whisper model to transcribe it (--whisper-model)");
            var bounds = Segmenter.Plan(duration, Segmenter.Silences(x, SampleRate), context.SegmentMaxSeconds);
            for (int k = 0; k + 1 < bounds.Count; k++)
            {
                float[] slice = Slice(x, bounds[k], bounds[k + 1]);
                string text = Clean(await context.Transcriber.TranscribeAsync(slice, SampleRate, ct));
                if (text.Length == 0) continue;   // a piece with no speech in it
                var (words, timing) = await AlignAsync(slice, text, context, ct);
                pieces.Add(new Piece(k, bounds.Count - 1, slice, words, timing));
            }
            if (pieces.Count == 0) throw InvalidInputException.ForFile(item.AudioPath, "Whisper heard no speech");
        }

        var outputs = new List<PreparedOutput>();
        foreach (var p in pieces)
        {
            string name = p.Of == 1 ? item.Name : $"{item.Name}-{p.Index:D3}";
            outputs.Add(Write(context.SpeechDirectory, name, p, item, source));
        }
        var record = new PreparedInput(item.Key, inputHash, context.Settings, outputs);
        journal.Append(record);
        return (record, TaskOutcome.Prepared);
    }

    sealed record Piece(int Index, int Of, float[] Samples, IReadOnlyList<WordTiming> Words, string Timing);

    /// <summary>Pieces of at most <paramref name="maxSeconds"/>, cut between words; pieces without words are dropped.</summary>
    static List<Piece> Cut(float[] x, IReadOnlyList<WordTiming> words, string timing, double maxSeconds)
    {
        double duration = (double)x.Length / SampleRate;
        var bounds = Segmenter.Plan(duration, Segmenter.WordGaps(words), maxSeconds);
        var pieces = new List<Piece>();
        for (int k = 0; k + 1 < bounds.Count; k++)
        {
            bool last = k + 2 == bounds.Count;
            var inside = Segmenter.WordsIn(words, bounds[k], bounds[k + 1], last);
            if (inside.Count > 0) pieces.Add(new Piece(k, bounds.Count - 1, Slice(x, bounds[k], bounds[k + 1]), inside, timing));
        }
        return pieces;
    }

    static float[] Slice(float[] x, double start, double end)
    {
        int a = Math.Clamp((int)Math.Round(start * SampleRate), 0, x.Length), b = Math.Clamp((int)Math.Round(end * SampleRate), a, x.Length);
        return x[a..b];
    }

    static async Task<(WordTiming[] Words, string Timing)> AlignAsync(float[] x, string text, PrepareContext context, CancellationToken ct)
    {
        var words = TextWords.Split(text).Select(w => w.Word).ToList();
        if (context.ForcedAlignment && await PocketsphinxAligner.Default.AlignAsync(x, SampleRate, words, ct) is { } aligned)
            return (aligned, UtteranceRecord.TimingName(WordTimingSource.ForcedAlignment));
        return (EnergyAligner.Estimate(x, SampleRate, words), UtteranceRecord.TimingName(WordTimingSource.EnergyEstimate));
    }

    static PreparedOutput Write(string dir, string name, Piece p, SourceItem item, UtteranceRecord? source)
    {
        double duration = (double)p.Samples.Length / SampleRate;
        var words = new List<WordRecord>(p.Words.Count);
        foreach (var w in p.Words)
        {
            double s = Math.Min(Math.Round(w.Start, 4), duration), e = Math.Min(Math.Max(Math.Round(w.End, 4), s), duration);
            words.Add(new WordRecord(w.Word, s, e));
        }
        var record = new UtteranceRecord(name, string.Join(' ', words.Select(w => w.Word)),
            source?.Engine ?? item.Engine, source?.Voice ?? item.Voice, source?.Rate ?? 1, source?.Pitch ?? 1, source?.Seed ?? 0,
            SampleRate, p.Samples.Length, duration, p.Timing, words);
        string wav = Path.Combine(dir, name + ".wav"), json = Path.Combine(dir, name + ".json");
        WavFile.Write(wav, p.Samples, SampleRate);
        record.Write(json);
        return new PreparedOutput(name, Math.Round(duration, 6), AtomicFile.Sha256(wav), AtomicFile.Sha256(json));
    }

    static bool OutputIntact(string dir, PreparedOutput o)
    {
        string wav = Path.Combine(dir, o.Name + ".wav"), json = Path.Combine(dir, o.Name + ".json");
        return File.Exists(wav) && File.Exists(json) && AtomicFile.Sha256(json) == o.JsonSha256 && AtomicFile.Sha256(wav) == o.WavSha256;
    }

    /// <summary>The transcript with whitespace collapsed ("" when empty), or null when the item has none.</summary>
    static string? ReadTranscript(SourceItem item)
    {
        if (item.Transcript is not null) return Clean(item.Transcript);
        if (item.TranscriptPath is null) return null;
        var info = new FileInfo(item.TranscriptPath);
        if (info.Length > MaxTranscriptBytes) throw InvalidInputException.ForFile(item.TranscriptPath, "larger than 1 MiB: not a transcript");
        string text;
        try { text = File.ReadAllText(item.TranscriptPath, new UTF8Encoding(false, throwOnInvalidBytes: true)); }
        catch (DecoderFallbackException) { throw InvalidInputException.ForFile(item.TranscriptPath, "transcript is not UTF-8 text"); }
        return Clean(text);
    }

    static string Clean(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>SHA-256 over everything the outputs depend on: the audio bytes, the words' source, the transcriber when one is used.</summary>
    static string InputHash(SourceItem item, string? transcript, PrepareContext context)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var audio = File.OpenRead(item.AudioPath))
        {
            var buffer = new byte[1 << 16];
            int n;
            while ((n = audio.Read(buffer)) > 0) sha.AppendData(buffer, 0, n);
        }
        if (item.RecordPath is not null && new FileInfo(item.RecordPath).Length > 64 << 20)
            throw InvalidInputException.ForFile(item.RecordPath, "larger than 64 MiB: not an utterance record");
        string words = item.RecordPath is not null ? $"record|{Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(item.RecordPath)))}"
                     : transcript is not null ? $"transcript|{transcript}"
                     : $"transcriber|{context.Transcriber?.Fingerprint}";
        sha.AppendData(Encoding.UTF8.GetBytes($"|{item.Name}|{item.Voice}|{item.Engine}|{words}"));
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
