// `michi train --stage head|joint`: the speech model on shards (SpeechTrainer). Starts from
// --init DIR (a Hugging Face backbone, e.g. a `--stage text` output, gets new heads sized by
// --heads; a speech model directory, e.g. a `--stage head` output, continues with its heads) or
// from a random --preset backbone with --tokenizer. The output folder's model/ is a speech
// model directory with the codec copied into codec/.
using System.CommandLine;
using Michi.Training.Speech;

namespace Michi.Cli.Commands;

internal static class TrainSpeechStage
{
    public static Task<int> RunAsync(ParseResult parse, TrainOptions o, string stage, CancellationToken ct)
    {
        string outDir = parse.GetValue(o.Output)!;
        bool resuming = parse.GetValue(o.Resume);
        string? init = parse.GetValue(o.Init);
        string? preset = parse.GetValue(o.Preset);
        if (init is not null && preset is not null) throw new Michi.InvalidInputException("give --init or --preset, not both");
        var recipe = resuming
            ? SpeechTrainer.ReadSavedRecipe(outDir) ?? throw Michi.InvalidInputException.ForFile(outDir, "no checkpoint to resume from (train without --resume first)")
            : new SpeechTrainingRecipe
            {
                Stage = stage, DecaySteps = parse.GetValue(o.Steps),
                LearningRate = stage == SpeechTrainingRecipe.JointStage ? 3e-4 : 1e-3,
                TextRatio = stage == SpeechTrainingRecipe.JointStage ? 0.25 : 0,
            };
        if (recipe.Stage != stage) throw Michi.InvalidInputException.ForFile(outDir, $"holds a --stage {recipe.Stage} run, not {stage}");
        if (!resuming)
        {
            if (init is null && preset is null) throw new Michi.InvalidInputException("give --init DIR (a backbone or speech model) or --preset NAME");
            recipe = recipe with { Init = init is null ? null : Path.GetFullPath(init), BackbonePreset = preset };
        }
        else if (init is not null || preset is not null)
        {
            throw new Michi.InvalidInputException("--init and --preset only start a run; --resume continues from the checkpoint");
        }
        if (parse.GetValue(o.Heads) is { } heads) recipe = recipe with { Heads = heads };
        if (parse.GetValue(o.Seed) is { } seed) recipe = recipe with { Seed = seed };
        if (parse.GetValue(o.Batch) is { } batch) recipe = recipe with { BatchSize = batch };
        if (parse.GetValue(o.CropFrames) is { } crop) recipe = recipe with { CropFrames = crop };
        if (parse.GetValue(o.LearningRate) is { } lr) recipe = recipe with { LearningRate = lr };
        if (parse.GetValue(o.Warmup) is { } warmup) recipe = recipe with { WarmupSteps = warmup };
        if (parse.GetValue(o.DecaySteps) is { } decay) recipe = recipe with { DecaySteps = decay };
        if (parse.GetValue(o.TextRatio) is { } ratio) recipe = recipe with { TextRatio = ratio };
        if (parse.GetValue(o.FlowWeight) is { } flow) recipe = recipe with { FlowLossWeight = flow };
        if (parse.GetValue(o.ListenWeight) is { } listen) recipe = recipe with { ListenLossWeight = listen };
        if (parse.GetValue(o.ValidationUtterances) is { } held) recipe = recipe with { ValidationUtterances = held };

        var options = new SpeechTrainingOptions
        {
            ShardsDirectory = parse.GetValue(o.Shards) ?? throw new Michi.InvalidInputException($"--shards DIR (from `michi data shards`) is required for --stage {stage}"),
            CodecDirectory = parse.GetValue(o.Codec) is { } codec ? Michi.Training.Inference.CodecFiles.ResolveModelDirectory(codec) : null,
            TokenizerDirectory = parse.GetValue(o.Tokenizer),
            TrainText = parse.GetValue(o.Text),
            ValidationText = parse.GetValue(o.ValidationText),
            OutputDirectory = outDir,
            Recipe = recipe,
            Resume = resuming,
            ValidationTokens = parse.GetValue(o.ValidationTokens),
            Schedule = TrainTextStage.Schedule(parse, o),
        };
        return TrainCommands.RunTrainerAsync(parse, o, $"train {stage}", options.Schedule.Steps,
            progress => SpeechTrainer.Train(options, progress, ct), ct);
    }
}
