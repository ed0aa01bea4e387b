// `michi train --stage text|head|joint`: the training stages after the codec (DESIGN.md §4).
//   text   pretrain a Llama backbone on a text corpus (Michi.Training.Text.TextTrainer);
//   head   speak head (+ audio-in, listen head) on codec latents from shards, backbone frozen;
//   joint  backbone + heads, text CE + λ·flow (+ listen), pure-text batches mixed in.
// One command with a --stage switch, so a recipe script reads as three lines of the same verb;
// options a stage does not use are refused rather than silently ignored. Every stage is
// seeded and resumable (--resume continues the run in --out with the recipe saved there; Ctrl-C
// writes a checkpoint first), writes metrics.csv + metrics.png, and publishes OUT/model.
using System.CommandLine;
using Michi.Cli.Infrastructure;
using Michi.Training;

namespace Michi.Cli.Commands;

public static class TrainCommands
{
    public static Command Create()
    {
        var o = new TrainOptions();
        var command = new Command("train", "Train a stage of the speech model: text (backbone pretraining), head, joint.");
        foreach (var option in o.All) command.Options.Add(option);
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(o.Threads) is { } t) TorchSharp.torch.set_num_threads(t);
            string stage = parse.GetValue(o.Stage)!;
            o.RefuseUnused(parse, stage);
            return stage == "text"
                ? await TrainTextStage.RunAsync(parse, o, ct)
                : await TrainSpeechStage.RunAsync(parse, o, stage, ct);
        });
        return command;
    }

    /// <summary>Runs a trainer under the progress reporter and prints the result (text or JSON).</summary>
    internal static async Task<int> RunTrainerAsync(ParseResult parse, TrainOptions o, string title, long steps,
        Func<Action<TrainingProgress>, TrainingResult> train, CancellationToken ct)
    {
        var stdout = parse.InvocationConfiguration.Output;
        var stderr = parse.InvocationConfiguration.Error ?? Console.Error;
        var result = await ProgressReporter.RunAsync(title, steps, report => Task.Run(() => train(progress =>
        {
            if (progress.Message is { } message && !message.StartsWith("checkpoint", StringComparison.Ordinal))
                stderr.WriteLine($"{title}: {message}");
            report(progress.Step, Note(progress));
        }), ct), plainOutput: Console.IsErrorRedirected ? stderr : null);

        if (parse.GetValue(o.Json))
            JsonOutput.Write(stdout, new
            {
                step = result.Step, checkpoint = result.CheckpointDirectory, model = result.ModelDirectory,
                validation = result.Validation, elapsed_s = result.ElapsedSeconds, steps_per_s = result.StepsPerSecond,
            });
        else
        {
            stdout.WriteLine($"step:        {result.Step}");
            stdout.WriteLine($"model:       {result.ModelDirectory}");
            stdout.WriteLine($"checkpoint:  {result.CheckpointDirectory}");
            foreach (var (name, value) in result.Validation) stdout.WriteLine($"{name + ":",-14}{value:0.0000}");
            stdout.WriteLine($"time:        {result.ElapsedSeconds:0.0} s in total, {result.StepsPerSecond:0.00} steps/s lately");
        }
        return CliRunner.ExitOk;
    }

    static string Note(TrainingProgress p)
    {
        if (p.Message is { } message) return message;
        string validation = p.Validation is { Count: > 0 } v ? " " + string.Join(" ", v.Select(kv => $"{kv.Key} {kv.Value:0.000}")) : "";
        return $"loss {p.Loss:0.000}{validation} {p.StepsPerSecond:0.00} steps/s";
    }
}
