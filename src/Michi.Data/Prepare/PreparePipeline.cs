// `michi data prepare`: corpora on disk → prepared utterances (OUTPUT/speech/NAME.wav + NAME.json,
// the format `data synth` writes) → optionally speech-LM shards (OUTPUT/shards, SpeechShardBuilder).
// The graph is simple: ingest lists every input (one task each), tasks run in parallel
// (--workers) and each does convert → segment → transcribe → align → write (PrepareTask); the
// shards come last, from the whole folder. Resumable after kill -9 at any point: outputs are
// written atomically and a task counts as done only once its journal line is flushed; a re-run
// skips tasks whose inputs, settings and outputs still match their hashes, removes temp files
// and outputs no task claims, and ends with the same files and bytes as an uninterrupted run.
// A file that fails (corrupt audio, empty transcript, unreadable) is reported and skipped.
using System.Collections.Concurrent;
using System.Globalization;
using Michi.Data.Shards;
using Michi.Data.Synthesis;

namespace Michi.Data.Prepare;

public sealed record PrepareOptions
{
    public int Workers { get; init; } = 1;

    /// <summary>Transcribes files without a transcript; without one they are failures.</summary>
    public ITranscriber? Transcriber { get; init; }

    /// <summary>Loads the codec when the config asks for shards (kept lazy: loading it is slow).</summary>
    public Func<ILatentEncoder>? LoadEncoder { get; init; }

    public Func<ShardTokenizer>? LoadTokenizer { get; init; }

    /// <summary>Per-file failures are written here as they happen (the CLI's stderr).</summary>
    public TextWriter? Log { get; init; }
}

public sealed record PrepareProgress(int Done, int Total, string? Note);

public sealed record PrepareReport(PrepareManifest Manifest, int Prepared, int AlreadyDone, int Removed, ShardBuildReport? Shards);

public static class PreparePipeline
{
    public const string SpeechFolder = "speech", ShardFolder = "shards", LockFile = ".lock";
    public const string Version = "michi-prepare v1";

    public static async Task<PrepareReport> RunAsync(PrepareConfig config, PrepareOptions options,
        Action<PrepareProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Workers, 1);
        string output = config.Output ?? throw new ArgumentException("config has no output");
        string speech = Path.Combine(output, SpeechFolder);
        Directory.CreateDirectory(speech);
        using var runLock = Lock(output);
        RemoveTemporaries(output);
        RemoveTemporaries(speech);

        bool forced = config.Aligner == "pocketsphinx";
        bool haveAligner = forced && PocketsphinxAligner.Default.IsAvailable();
        if (forced && !haveAligner)
            options.Log?.WriteLine($"michi: warning: {PocketsphinxAligner.Program} or its en-us model is missing; word times come from the energy estimate");
        string settings = string.Create(CultureInfo.InvariantCulture,
            $"{Version}|rate={PrepareTask.SampleRate}|max={config.SegmentMaxSeconds:R}|aligner={(haveAligner ? "pocketsphinx" : "energy")}");
        var context = new PrepareContext(speech, settings, config.SegmentMaxSeconds, haveAligner, options.Transcriber);

        var failures = new ConcurrentBag<PrepareFailure>();
        void Fail(string key, string reason)
        {
            failures.Add(new PrepareFailure(key, reason));
            options.Log?.WriteLine($"michi: skipped {key}: {reason}");
        }
        var items = new List<SourceItem>();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in config.Sources!)
        {
            var found = Ingestors.Discover(source);
            foreach (var f in found.Failures) Fail(f.Input, f.Reason);
            foreach (var item in found.Items)
                if (names.TryAdd(item.Name, item.Key)) items.Add(item);
                else Fail(item.Key, $"{item.AudioPath}: its output name {item.Name} is already taken by {names[item.Name]}");
        }
        items.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));

        using var journal = new PrepareJournal(output);
        var results = new ConcurrentDictionary<string, PreparedInput>(StringComparer.Ordinal);
        int done = 0, prepared = 0, reused = 0;
        progress?.Invoke(new PrepareProgress(0, items.Count, null));
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = options.Workers, CancellationToken = ct }, async (item, token) =>
        {
            try
            {
                var (record, outcome) = await PrepareTask.RunAsync(item, context, journal, token);
                results[item.Key] = record;
                Interlocked.Increment(ref outcome == TaskOutcome.Prepared ? ref prepared : ref reused);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Fail(item.Key, Describe(e, item));
            }
            int n = Interlocked.Increment(ref done);
            progress?.Invoke(new PrepareProgress(n, items.Count, $"{prepared} prepared, {reused} already done, {failures.Count} failed"));
        });

        int removed = RemoveUnclaimed(speech, results.Values);
        var inputs = results.Values.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        var outputs = inputs.SelectMany(r => r.Outputs).ToList();

        ShardBuildReport? shards = null;
        PreparedShards? shardSummary = null;
        if (config.WritesShards && options.LoadEncoder is not null && options.LoadTokenizer is not null && outputs.Count > 0)
        {
            progress?.Invoke(new PrepareProgress(done, items.Count, "loading the codec for shards"));
            var encoder = options.LoadEncoder();
            var tokenizer = options.LoadTokenizer();
            var shardOptions = new ShardBuildOptions
            {
                SpeechDirectory = speech, OutputDirectory = Path.Combine(output, ShardFolder),
                Lead = config.Lead, ShardFrames = config.ShardFrames, Float16 = config.Float16,
            };
            shards = await Task.Run(() => SpeechShardBuilder.Build(shardOptions, encoder, tokenizer,
                (u, total, note) => progress?.Invoke(new PrepareProgress(done, items.Count, $"shards: {u}/{total} utterances{(note is null ? "" : ", " + note)}")), ct), ct);
            var m = shards.Manifest;
            shardSummary = new PreparedShards(ShardFolder, m.Shards.Count, m.Utterances, m.Frames, m.Skipped.Count);
        }

        var manifest = new PrepareManifest
        {
            Settings = settings,
            Sources = [.. config.Sources!.Select(s => new PreparedSource(s.Name!, s.Type!, s.Path!))],
            Utterances = outputs.Count,
            Seconds = Math.Round(outputs.Sum(o => o.Seconds), 3),
            Inputs = inputs,
            Failures = [.. failures.OrderBy(f => f.Input, StringComparer.Ordinal).ThenBy(f => f.Reason, StringComparer.Ordinal)],
            Shards = shardSummary,
        };
        journal.Complete(output, manifest);
        return new PrepareReport(manifest, prepared, reused, removed, shards);
    }

    static string Describe(Exception e, SourceItem item)
    {
        string message = e.Message.ReplaceLineEndings(" ");
        return e switch
        {
            InvalidInputException => message,
            IOException or UnauthorizedAccessException or InvalidDataException => $"{item.AudioPath}: {message}",
            _ => $"{item.AudioPath}: {e.GetType().Name}: {message}",   // a bug, but one file's: the run goes on
        };
    }

    /// <summary>One run per output folder: an exclusive lock that the OS drops when the process dies.</summary>
    static FileStream Lock(string output)
    {
        try
        {
            return new FileStream(Path.Combine(output, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw InvalidInputException.ForFile(output, "another `michi data prepare` is writing to this folder");
        }
    }

    /// <summary>Temp files of writes that a kill interrupted (".NAME.GUID.tmp").</summary>
    static void RemoveTemporaries(string dir)
    {
        foreach (string f in Directory.EnumerateFiles(dir, ".*.tmp")) File.Delete(f);
    }

    /// <summary>Deletes prepared files no finished task claims (from inputs that are gone, changed or failed).</summary>
    static int RemoveUnclaimed(string speech, IEnumerable<PreparedInput> records)
    {
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in records.SelectMany(r => r.Outputs)) { claimed.Add(o.Name + ".wav"); claimed.Add(o.Name + ".json"); }
        int removed = 0;
        foreach (string f in Directory.EnumerateFiles(speech))
        {
            string name = Path.GetFileName(f);
            if (claimed.Contains(name) || !(name.EndsWith(".wav", StringComparison.Ordinal) || name.EndsWith(".json", StringComparison.Ordinal))) continue;
            File.Delete(f);
            removed++;
        }
        return removed;
    }
}
