// `michi eval codec`: how much intelligibility and spectral detail the codec loses. N utterances
// of a `data synth` folder (NAME.wav + NAME.json with "text"; a seeded, deterministic choice)
// go through the codec the streaming way (`codec resynth`: Michi.Training.Inference.CodecFiles);
// an independent recogniser (Michi.Data.Evaluation.PocketsphinxRecognizer) transcribes the
// original and the resynthesis, and corpus WER against the text is reported for both: the codec
// is judged by the gap, the recogniser's own errors cancel. The mel distance is the trainer's
// validation measure (multi-resolution log-mel L1, Michi.Training.Losses), here on these files.
// --out keeps NAME.wav resyntheses and results.json (per-file transcripts). The model's step
// and elapsed training seconds (trainer.json of a checkpoint) are reported when present, for
// the quality-over-CPU-hours curve (scripts/codec-curve.sh, docs/quality.md).
using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Michi.Audio;
using Michi.Cli.Infrastructure;
using Michi.Data.Evaluation;
using Michi.Training.Inference;
using Michi.Training.Losses;
using TorchSharp;

namespace Michi.Cli.Commands;

static class EvalCodecCommand
{
    sealed record Utterance(string Name, string Wav, string Json, string Text);

    sealed record FileResult(string Name, double Seconds, string Reference, string HeardOriginal, string HeardResynth,
                             WerCounts Original, WerCounts Resynth, double? MelL1);

    public static Command Create()
    {
        var model = CommonOptions.ModelDir("Codec model directory (config.json + model.safetensors) or a `codec train` output folder (its latest checkpoint).");
        var data = new Option<string>("--data") { Description = "Folder of NAME.wav + NAME.json (with \"text\") utterances, as `michi data synth` writes.", Required = true };
        var files = new Option<int>("--files") { Description = "Utterances to evaluate (all when the folder has fewer).", DefaultValueFactory = _ => 30 }.InRange(1, 1_000_000);
        var seed = new Option<int>("--seed") { Description = "Seed of the choice of utterances.", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--out") { Description = "Folder for the resynthesised WAVs and results.json." };
        var threads = new Option<int>("--threads") { Description = "LibTorch intra-op threads (1 leaves the other core to training).", DefaultValueFactory = _ => 1 }.InRange(1, 1024);
        var json = CommonOptions.Json();
        var command = new Command("codec", "Intelligibility (recogniser WER) and mel distance of codec resynthesis against the original audio.")
            { model, data, files, seed, output, threads, json };
        command.SetAction(async (parse, ct) =>
        {
            string modelDir = CodecFiles.ResolveModelDirectory(parse.GetValue(model)!);
            var chosen = Choose(List(parse.GetValue(data)!), parse.GetValue(files), parse.GetValue(seed));
            var recognizer = PocketsphinxRecognizer.Default;
            recognizer.EnsureAvailable();
            string? outDir = parse.GetValue(output);
            if (outDir != null && Path.GetFullPath(outDir).TrimEnd('/') == Path.GetFullPath(parse.GetValue(data)!).TrimEnd('/'))
                throw InvalidInputException.ForFile(outDir, "--out must differ from --data (the resyntheses would replace the originals)");
            if (outDir != null) Directory.CreateDirectory(outDir);

            var stderr = parse.InvocationConfiguration.Error ?? Console.Error;
            int previousThreads = torch.get_num_threads();
            torch.set_num_threads(parse.GetValue(threads));
            List<FileResult> results;
            try
            {
                using var codec = CodecFiles.LoadModel(modelDir);
                using var spectral = new MultiResolutionSpectralLoss(codec.Config.SampleRate);
                results = await ProgressReporter.RunAsync("eval codec", chosen.Count, async report =>
                {
                    var done = new List<FileResult>();
                    foreach (var u in chosen)
                    {
                        ct.ThrowIfCancellationRequested();
                        done.Add(await EvaluateAsync(u, codec, spectral, recognizer, outDir, ct));
                        var o = WordErrorRate.Sum(done.Select(r => r.Original));
                        var s = WordErrorRate.Sum(done.Select(r => r.Resynth));
                        report(done.Count, $"WER original {o.Rate:P1}, resynthesis {s.Rate:P1}");
                    }
                    return done;
                }, plainOutput: Console.IsErrorRedirected ? stderr : null);
            }
            finally
            {
                torch.set_num_threads(previousThreads);   // in-process callers (tests) keep their setting
            }

            var summary = Summarise(modelDir, parse.GetValue(data)!, recognizer, results);
            if (outDir != null) WriteResults(Path.Combine(outDir, "results.json"), summary, results);
            var stdout = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json)) JsonOutput.Write(stdout, summary);
            else
            {
                stdout.WriteLine($"model:          {modelDir}{(summary.Step is { } step ? $" (step {step}, {summary.CpuHours:0.00} h of training)" : "")}");
                stdout.WriteLine($"files:          {summary.Files} ({summary.Seconds:0.0} s, {summary.ReferenceWords} words)");
                stdout.WriteLine($"WER original:   {summary.WerOriginal:P1} ({summary.EditsOriginal} edits)");
                stdout.WriteLine($"WER resynth:    {summary.WerResynth:P1} ({summary.EditsResynth} edits; {100 * (summary.WerResynth - summary.WerOriginal):+0.0;-0.0} points)");
                stdout.WriteLine($"mel L1:         {(summary.MelL1 is { } m ? m.ToString("0.0000") : "n/a (clips too short)")} (multi-resolution log-mel, as val_mel)");
                if (outDir != null) stdout.WriteLine($"written:        {outDir} (resynthesised WAVs, results.json)");
            }
            return CliRunner.ExitOk;
        });
        return command;
    }

    /// <summary>Every NAME.json with a NAME.wav beside it, in ordinal name order.</summary>
    static List<string> List(string dataDir)
    {
        if (!Directory.Exists(dataDir)) throw InvalidInputException.ForFile(dataDir, "data folder not found");
        var records = Directory.EnumerateFiles(dataDir, "*.json")
            .Where(j => File.Exists(Path.ChangeExtension(j, ".wav")))
            .Order(StringComparer.Ordinal).ToList();
        if (records.Count == 0)
            throw InvalidInputException.ForFile(dataDir, "holds no utterances (NAME.wav + NAME.json with \"text\", as `michi data synth` writes)");
        return records;
    }

    /// <summary>A seeded choice of <paramref name="count"/> records (partial Fisher–Yates over the
    /// sorted list: the same folder, count and seed always give the same files), in name order,
    /// each with its text.</summary>
    static List<Utterance> Choose(List<string> records, int count, int seed)
    {
        var pool = records.ToArray();
        int n = Math.Min(count, pool.Length);
        var random = new Random(seed);
        for (int i = 0; i < n; i++)
        {
            int j = random.Next(i, pool.Length);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }
        return [.. pool.Take(n).Order(StringComparer.Ordinal).Select(ReadUtterance)];
    }

    static Utterance ReadUtterance(string jsonPath)
    {
        var node = BoundedJson.Read<JsonObject>(jsonPath, "an utterance record", "utterance record");
        string? text = node["text"] is JsonValue v && v.TryGetValue(out string? s) ? s : null;
        if (text is null) throw InvalidInputException.ForFile(jsonPath, "has no \"text\" string (an utterance record as `michi data synth` writes)");
        if (WordErrorRate.Normalize(text).Count == 0) throw InvalidInputException.ForFile(jsonPath, "\"text\" has no words to score");
        return new Utterance(Path.GetFileNameWithoutExtension(jsonPath), Path.ChangeExtension(jsonPath, ".wav"), jsonPath, text);
    }

    static async Task<FileResult> EvaluateAsync(Utterance u, Michi.Model.Codec.AudioCodec codec, MultiResolutionSpectralLoss spectral,
                                               PocketsphinxRecognizer recognizer, string? outDir, CancellationToken ct)
    {
        int rate = codec.Config.SampleRate;
        float[] original = CodecFiles.ReadAudio(u.Wav, rate);
        float[] resynth;
        using (var latents = CodecFiles.Encode(codec, original, ct))
            resynth = CodecFiles.Trim(CodecFiles.Decode(codec, latents, u.Wav, ct), original.Length);
        if (outDir != null) WavFile.Write(Path.Combine(outDir, u.Name + ".wav"), resynth, rate);

        double? mel = null;
        int minimum = 2 * SpectralResolution.Default.Max(r => r.NFft);   // reflect padding needs more than n_fft / 2
        if (original.Length >= minimum)
        {
            using var pause = Michi.Model.GcPause.Start();   // TorchSharp's temporary Scalars: see Michi.Model/GcPause.cs
            using var scope = torch.NewDisposeScope();
            using var _ = torch.no_grad();
            var x = torch.tensor(original, [1, original.Length]);       // (1, N)
            var y = torch.tensor(resynth, [1, resynth.Length]);         // (1, N)
            mel = spectral.MelDistance(y, x).item<float>();
        }

        // The original goes to the recogniser at the codec's rate too, so both sides take the same
        // resampling path and differ only by the codec.
        string heardOriginal = await recognizer.RecognizeAsync(original, rate, ct);
        string heardResynth = await recognizer.RecognizeAsync(resynth, rate, ct);
        return new FileResult(u.Name, original.Length / (double)rate, u.Text, heardOriginal, heardResynth,
                              WordErrorRate.Count(u.Text, heardOriginal), WordErrorRate.Count(u.Text, heardResynth), mel);
    }

    sealed record Summary(string Model, string Data, string Recognizer, long? Step, double? ElapsedSeconds, double? CpuHours, int Files,
                          double Seconds, int ReferenceWords, double WerOriginal, double WerResynth, int EditsOriginal, int EditsResynth,
                          double? MelL1);

    static Summary Summarise(string modelDir, string dataDir, PocketsphinxRecognizer recognizer, List<FileResult> results)
    {
        var original = WordErrorRate.Sum(results.Select(r => r.Original));
        var resynth = WordErrorRate.Sum(results.Select(r => r.Resynth));
        var mels = results.Where(r => r.MelL1 is not null).Select(r => r.MelL1!.Value).ToList();
        var (step, elapsed) = TrainerProgress(modelDir);
        return new Summary(Path.GetFullPath(modelDir), Path.GetFullPath(dataDir), recognizer.Description, step, elapsed, elapsed / 3600,
                           results.Count, results.Sum(r => r.Seconds), original.ReferenceWords, original.Rate, resynth.Rate,
                           original.Edits, resynth.Edits, mels.Count > 0 ? mels.Average() : null);
    }

    /// <summary>step and elapsed_seconds of a checkpoint's trainer.json; nulls for a bare model
    /// directory or an unreadable file (they only label the result).</summary>
    static (long? Step, double? Elapsed) TrainerProgress(string modelDir)
    {
        string path = Path.Combine(modelDir, "trainer.json");
        if (!File.Exists(path)) return (null, null);
        try
        {
            var node = BoundedJson.Read<JsonObject>(path, "a trainer state", "trainer state", maxBytes: 10_000_000);
            long? step = node["step"] is JsonValue s && s.TryGetValue(out long st) ? st : null;
            double? elapsed = node["elapsed_seconds"] is JsonValue e && e.TryGetValue(out double el) && double.IsFinite(el) ? el : null;
            return (step, elapsed);
        }
        catch (InvalidInputException)
        {
            return (null, null);
        }
    }

    static void WriteResults(string path, Summary summary, List<FileResult> results)
    {
        var document = new
        {
            summary,
            files = results.Select(r => new
            {
                r.Name, r.Seconds, r.Reference, heard_original = r.HeardOriginal, heard_resynth = r.HeardResynth,
                wer_original = r.Original.Rate, wer_resynth = r.Resynth.Rate, edits_original = r.Original.Edits,
                edits_resynth = r.Resynth.Edits, reference_words = r.Original.ReferenceWords, mel_l1 = r.MelL1,
            }),
        };
        var options = new JsonSerializerOptions(JsonOutput.Options) { WriteIndented = true };
        Michi.Data.Prepare.AtomicFile.WriteText(path, JsonSerializer.Serialize(document, options) + "\n");
    }
}
