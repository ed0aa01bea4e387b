// `michi train --stage text`: pretrain a Llama backbone on a text corpus (TextTrainer), from a
// preset (default demo) with random weights or from --init DIR (a Hugging Face directory,
// whose tokenizer is then the default). The output folder's model/ is a Hugging Face directory.
using System.CommandLine;
using Michi.Model.Backbone;
using Michi.Training.Text;

namespace Michi.Cli.Commands;

internal static class TrainTextStage
{
    public static Task<int> RunAsync(ParseResult parse, TrainOptions o, CancellationToken ct)
    {
        string outDir = parse.GetValue(o.Output)!;
        bool resuming = parse.GetValue(o.Resume);
        string? init = parse.GetValue(o.Init);
        if (init is not null && parse.GetValue(o.Preset) is not null) throw new Michi.InvalidInputException("give --init or --preset, not both");
        var recipe = resuming
            ? TextTrainer.ReadSavedRecipe(outDir) ?? throw Michi.InvalidInputException.ForFile(outDir, "no checkpoint to resume from (train without --resume first)")
            : new TextTrainingRecipe { DecaySteps = parse.GetValue(o.Steps) };
        if (!resuming && init is not null) recipe = recipe with { Init = Path.GetFullPath(init), Model = LlamaConfig.Load(init) };
        if (parse.GetValue(o.Preset) is { } p) recipe = recipe with { Model = LlamaConfig.Preset(p)! };
        if (parse.GetValue(o.Seed) is { } seed) recipe = recipe with { Seed = seed };
        if (parse.GetValue(o.Batch) is { } batch) recipe = recipe with { BatchSize = batch };
        if (parse.GetValue(o.SequenceLength) is { } length) recipe = recipe with { SequenceLength = length };
        if (parse.GetValue(o.LearningRate) is { } lr) recipe = recipe with { LearningRate = lr };
        if (parse.GetValue(o.Warmup) is { } warmup) recipe = recipe with { WarmupSteps = warmup };
        if (parse.GetValue(o.DecaySteps) is { } decay) recipe = recipe with { DecaySteps = decay };

        string tokenizer = parse.GetValue(o.Tokenizer) ?? recipe.Init
            ?? throw new Michi.InvalidInputException("--tokenizer DIR is required when not starting from --init");
        var options = new TextTrainingOptions
        {
            TrainText = parse.GetValue(o.Text) ?? throw new Michi.InvalidInputException("--text FILE (the training corpus) is required for --stage text"),
            ValidationText = parse.GetValue(o.ValidationText) ?? throw new Michi.InvalidInputException("--val-text FILE is required for --stage text"),
            TokenizerDirectory = tokenizer,
            OutputDirectory = outDir,
            Recipe = recipe,
            Resume = resuming,
            ValidationTokens = parse.GetValue(o.ValidationTokens),
            Schedule = Schedule(parse, o),
        };
        return TrainCommands.RunTrainerAsync(parse, o, "train text", options.Schedule.Steps,
            progress => TextTrainer.Train(options, progress, ct), ct);
    }

    internal static Michi.Training.TrainingSchedule Schedule(ParseResult parse, TrainOptions o) => new()
    {
        Steps = parse.GetValue(o.Steps), LogEvery = parse.GetValue(o.LogEvery), ValidateEvery = parse.GetValue(o.ValidateEvery),
        CheckpointEvery = parse.GetValue(o.CheckpointEvery), KeepCheckpoints = parse.GetValue(o.Keep),
    };
}
