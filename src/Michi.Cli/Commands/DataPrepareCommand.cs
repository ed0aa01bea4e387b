// `michi data prepare --config FILE [--workers N] [--whisper-model PATH]`: real or synthetic
// corpora → prepared utterances (NAME.wav + NAME.json) → optionally speech-LM shards
// (Michi.Data.Prepare.PreparePipeline; config and layouts in docs/data.md, "Preparation
// pipeline"). Resumable after a kill; per-file failures go to stderr and the manifest.
using System.CommandLine;
using System.Globalization;
using Michi.Cli.Infrastructure;
using Michi.Data.Prepare;
using Michi.Data.Shards;
using Michi.Model.Text;
using Michi.Training.Inference;
using Michi.Training.Speech;

namespace Michi.Cli.Commands;

public static class DataPrepareCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "Pipeline config (JSON; see samples/prepare-example.json).", Required = true };
        var workers = new Option<int>("--workers") { Description = "Files prepared in parallel.", DefaultValueFactory = _ => 1 }.InRange(1, 256);
        var whisper = new Option<string?>("--whisper-model") { Description = "ggml Whisper model for files without a transcript (overrides the config's whisper_model)." };
        var threads = new Option<int>("--threads") { Description = "LibTorch threads for the codec (shards only).", DefaultValueFactory = _ => 1 }.InRange(1, 1024);
        var json = CommonOptions.Json();
        var command = new Command("prepare", "Prepare corpora (synthetic, LibriTTS, LJSpeech, folders) into utterances with word times, and shards (resumable).")
            { config, workers, whisper, threads, json };
        command.SetAction(async (parse, ct) =>
        {
            var stderr = parse.InvocationConfiguration.Error ?? Console.Error;
            var settings = PrepareConfig.Load(parse.GetValue(config)!);
            string? model = parse.GetValue(whisper) is { } w ? Path.GetFullPath(w) : settings.WhisperModel;
            if (model is not null && !File.Exists(model)) throw InvalidInputException.ForFile(model, "Whisper model not found");
            using var transcriber = model is null ? null : new WhisperTranscriber(model, settings.WhisperLanguage);
            var options = new PrepareOptions
            {
                Workers = parse.GetValue(workers), Transcriber = transcriber, Log = stderr,
                LoadEncoder = settings.Codec is null ? null : () =>
                {
                    TorchSharp.torch.set_num_threads(parse.GetValue(threads));
                    return new CodecLatentEncoder(CodecFiles.LoadModel(settings.Codec));
                },
                LoadTokenizer = settings.Tokenizer is null ? null : () =>
                {
                    var text = TextTokenizer.Load(settings.Tokenizer);
                    return new ShardTokenizer(s => text.Encode(s), text.VocabSize, Fingerprints.Tokenizer(settings.Tokenizer));
                },
            };
            var clock = System.Diagnostics.Stopwatch.StartNew();
            int total = 0;
            var report = await ProgressReporter.RunAsync("data prepare (%)", 100, report => PreparePipeline.RunAsync(settings, options,
                p => { total = p.Total; report(p.Total == 0 ? 100 : 100.0 * p.Done / p.Total, $"{p.Done}/{p.Total}{(p.Note is null ? "" : ", " + p.Note)}"); }, ct),
                plainOutput: Console.IsErrorRedirected ? stderr : null);
            var m = report.Manifest;
            var stdout = parse.InvocationConfiguration.Output;
            double wall = clock.Elapsed.TotalSeconds;
            if (parse.GetValue(json))
                JsonOutput.Write(stdout, new
                {
                    output = settings.Output, inputs = total, utterances = m.Utterances, hours = m.Seconds / 3600, prepared = report.Prepared,
                    already_done = report.AlreadyDone, failed = m.Failures.Count, removed = report.Removed, failures = m.Failures,
                    shards = m.Shards, wall_seconds = wall,
                });
            else
            {
                var inv = CultureInfo.InvariantCulture;
                stdout.WriteLine(string.Create(inv, $"{settings.Output}: {m.Utterances} utterance(s), {m.Seconds / 3600:0.###} h from {total} file(s): " +
                                                    $"{report.Prepared} prepared, {report.AlreadyDone} already done, {m.Failures.Count} failed"));
                if (m.Shards is { } s) stdout.WriteLine($"shards: {s.Shards} in {Path.Combine(settings.Output!, s.Folder)} ({s.Utterances} utterances, {s.Frames:N0} frames)");
                stdout.WriteLine(string.Create(inv, $"time: {wall:0.#} s"));
            }
            return CliRunner.ExitOk;
        });
        return command;
    }
}
