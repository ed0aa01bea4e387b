// `michi data shards`: a synthesised speech corpus → training shards for the speech LM
// (Michi.Data.Shards.SpeechShardBuilder; format in docs/data.md "Speech shards"): codec latents
// per 80 ms frame and the words' tokens aligned to the frames. Resumable: finished shards are
// kept, so running it again after a kill (or after adding utterances) does only what is left.
using System.CommandLine;
using Michi.Cli.Infrastructure;
using Michi.Data.Shards;
using Michi.Model.Text;
using Michi.Training.Inference;
using Michi.Training.Speech;

namespace Michi.Cli.Commands;

public static class DataShardsCommand
{
    public static Command Create()
    {
        var speech = new Option<string>("--speech") { Description = "Speech corpus folder (NAME.wav + NAME.json, as `michi data synth` writes).", Required = true };
        var codec = new Option<string>("--codec") { Description = "Codec model directory or `codec train` output folder (its latest checkpoint).", Required = true };
        var tokenizer = new Option<string>("--tokenizer") { Description = "Directory with the backbone's tokenizer.json.", Required = true };
        var output = new Option<string>("--out") { Description = "Output folder: shard-NNNNN.safetensors + manifest.json.", Required = true };
        var lead = new Option<int>("--lead") { Description = "δ: frames a word's first token comes before its audio.", DefaultValueFactory = _ => 2 }.InRange(0, 100);
        var shardFrames = new Option<long>("--shard-frames") { Description = "Frames per shard (50000 ≈ 67 min of speech).", DefaultValueFactory = _ => 50_000 }.InRange(1L, 100_000_000L);
        var f16 = new Option<bool>("--f16") { Description = "Store latents as float16 (half the size)." };
        var threads = new Option<int>("--threads") { Description = "LibTorch threads for the encoder.", DefaultValueFactory = _ => 1 }.InRange(1, 1024);
        var json = CommonOptions.Json();
        var command = new Command("shards", "Encode a speech corpus into training shards: codec latents + frame-aligned tokens.")
            { speech, codec, tokenizer, output, lead, shardFrames, f16, threads, json };
        command.SetAction(async (parse, ct) =>
        {
            TorchSharp.torch.set_num_threads(parse.GetValue(threads));
            string tokenizerDir = parse.GetValue(tokenizer)!;
            var text = TextTokenizer.Load(tokenizerDir);
            using var model = CodecFiles.LoadModel(parse.GetValue(codec)!);
            var encoder = new CodecLatentEncoder(model);
            var shardTokenizer = new ShardTokenizer(s => text.Encode(s), text.VocabSize, Fingerprints.Tokenizer(tokenizerDir));
            var options = new ShardBuildOptions
            {
                SpeechDirectory = parse.GetValue(speech)!, OutputDirectory = parse.GetValue(output)!, Lead = parse.GetValue(lead),
                ShardFrames = parse.GetValue(shardFrames), Float16 = parse.GetValue(f16),
            };
            var stderr = parse.InvocationConfiguration.Error ?? Console.Error;
            var report = await ProgressReporter.RunAsync("data shards (%)", 100, report => Task.Run(() =>
                SpeechShardBuilder.Build(options, encoder, shardTokenizer,
                    (done, total, note) => report(100.0 * done / Math.Max(total, 1), $"{done}/{total} utterances{(note is null ? "" : ", " + note)}"), ct), ct),
                plainOutput: Console.IsErrorRedirected ? stderr : null);
            var m = report.Manifest;
            var stdout = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
                JsonOutput.Write(stdout, new
                {
                    shards = m.Shards.Count, written = report.ShardsWritten, reused = report.ShardsReused, utterances = m.Utterances,
                    frames = m.Frames, hours = m.Seconds / 3600, voices = m.Voices.Count, skipped = m.Skipped, collisions = m.Collisions,
                    dropped_tokens = m.DroppedTokens,
                });
            else
            {
                stdout.WriteLine($"{options.OutputDirectory}: {m.Shards.Count} shard(s) ({report.ShardsWritten} written, {report.ShardsReused} already done)");
                stdout.WriteLine($"utterances: {m.Utterances} ({m.Seconds / 3600:0.##} h, {m.Frames:N0} frames), {m.Voices.Count} voice(s)");
                stdout.WriteLine($"alignment:  {m.Collisions:N0} token(s) pushed later, {m.DroppedTokens:N0} dropped past the end");
                foreach (var s in m.Skipped) stdout.WriteLine($"skipped {s.Name}: {s.Reason}");
            }
            return CliRunner.ExitOk;
        });
        return command;
    }
}
