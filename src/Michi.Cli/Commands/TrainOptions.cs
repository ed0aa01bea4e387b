// The options of `michi train`, shared by its stages (see TrainCommands). Recipe settings are
// nullable: absent means "the recipe's default", or on --resume "what the checkpoint says".
using System.CommandLine;
using Michi.Cli.Infrastructure;

namespace Michi.Cli.Commands;

internal sealed class TrainOptions
{
    public readonly Option<string> Stage = new("--stage") { Description = "text: pretrain the backbone; head: speak/listen heads, backbone frozen; joint: everything.", Required = true };
    public readonly Option<string> Output = new("--out") { Description = "Output folder: checkpoints/, metrics.csv, metrics.png, model/.", Required = true };
    public readonly Option<string?> Init = new("--init") { Description = "Start from this model: a Hugging Face backbone directory, or (head/joint) a speech model directory." };
    public readonly Option<string?> Preset = new("--preset") { Description = "Backbone preset when starting from random weights (text: default demo)." };
    public readonly Option<string?> Text = new("--text") { Description = "Training text (one sentence or paragraph per line): the corpus (text) or the pure-text batches (joint)." };
    public readonly Option<string?> ValidationText = new("--val-text") { Description = "Held-out text for validation perplexity." };
    public readonly Option<string?> Tokenizer = new("--tokenizer") { Description = "Directory with tokenizer.json (default: the --init model's); needed with --preset." };
    public readonly Option<string?> Shards = new("--shards") { Description = "Speech shards folder written by `michi data shards` (head, joint)." };
    public readonly Option<string?> Codec = new("--codec") { Description = "Codec model directory the shards were encoded with (head, joint); copied into the model." };
    public readonly Option<string?> Heads = new("--heads") { Description = "Head sizes when starting from a backbone: tiny, demo or paper (default demo)." };
    public readonly Option<long> Steps = new("--steps") { Description = "Total training steps (a resumed run continues up to this step).", DefaultValueFactory = _ => 1000 };
    public readonly Option<bool> Resume = new("--resume") { Description = "Continue the run in --out from its latest checkpoint (same result as never stopping)." };
    public readonly Option<int?> Seed = new("--seed") { Description = "Random seed (default 0)." };
    public readonly Option<int?> Batch = new("--batch") { Description = "Sequences per step (default: text 16, speech 8)." };
    public readonly Option<int?> SequenceLength = new("--seq-len") { Description = "Tokens per training window (text; default 256)." };
    public readonly Option<int?> CropFrames = new("--crop-frames") { Description = "Most frames per utterance in a speech batch (default 160 = 12.8 s)." };
    public readonly Option<double?> LearningRate = new("--lr") { Description = "Peak AdamW learning rate (default: text 2e-3, head 1e-3, joint 3e-4)." };
    public readonly Option<int?> Warmup = new("--warmup") { Description = "Linear warm-up steps (default 100)." };
    public readonly Option<long?> DecaySteps = new("--decay-steps") { Description = "Step at which the cosine decay ends (default: --steps of the first sitting)." };
    public readonly Option<double?> TextRatio = new("--text-ratio") { Description = "Share of joint steps that are pure-text batches (default 0.25)." };
    public readonly Option<double?> FlowWeight = new("--flow-weight") { Description = "λ: weight of the flow-matching loss (default: the model's flow_loss_weight)." };
    public readonly Option<double?> ListenWeight = new("--listen-weight") { Description = "Weight of the listen-head loss (default: the model's listen_loss_weight)." };
    public readonly Option<int?> ValidationUtterances = new("--val-utterances") { Description = "Utterances held out for speech validation (default 32)." };
    public readonly Option<int> ValidationTokens = new("--val-tokens") { Description = "Held-out text tokens scored per validation.", DefaultValueFactory = _ => 32_768 };
    public readonly Option<int> LogEvery = new("--log-every") { Description = "Steps per metrics.csv row.", DefaultValueFactory = _ => 10 };
    public readonly Option<int> ValidateEvery = new("--validate-every") { Description = "Steps between validations.", DefaultValueFactory = _ => 200 };
    public readonly Option<int> CheckpointEvery = new("--checkpoint-every") { Description = "Steps between checkpoints.", DefaultValueFactory = _ => 200 };
    public readonly Option<int> Keep = new("--keep") { Description = "Checkpoints kept on disk.", DefaultValueFactory = _ => 3 };
    public readonly Option<int?> Threads = new("--threads") { Description = "LibTorch intra-op threads (default: LibTorch's choice)." };
    public readonly Option<bool> Json = CommonOptions.Json();

    public TrainOptions()
    {
        Stage.AcceptOnlyFromAmong("text", "head", "joint");
        Preset.AcceptOnlyFromAmong([.. Michi.Model.Backbone.LlamaConfig.PresetNames]);
        Heads.AcceptOnlyFromAmong("tiny", "demo", "paper");
        Steps.InRange(0L, 100_000_000L);
        foreach (var o in new[] { LogEvery, ValidateEvery, CheckpointEvery, Keep }) o.InRange(1, 100_000_000);
        ValidationTokens.InRange(2, 100_000_000);
        Optional(Batch, 1, 4096);
        Optional(SequenceLength, 2, 1_000_000);
        Optional(CropFrames, 2, 1_000_000);
        Optional(Warmup, 0, 100_000_000);
        Optional(DecaySteps, 0L, 100_000_000L);
        Optional(LearningRate, 1e-9, 1);
        Optional(TextRatio, 0.0, 1.0);
        Optional(FlowWeight, 0.0, 1e6);
        Optional(ListenWeight, 0.0, 1e6);
        Optional(ValidationUtterances, 0, 1_000_000);
        Optional(Threads, 1, 1024);
    }

    public IEnumerable<Option> All =>
    [
        Stage, Output, Init, Preset, Text, ValidationText, Tokenizer, Shards, Codec, Heads, Steps, Resume, Seed, Batch, SequenceLength,
        CropFrames, LearningRate, Warmup, DecaySteps, TextRatio, FlowWeight, ListenWeight, ValidationUtterances, ValidationTokens,
        LogEvery, ValidateEvery, CheckpointEvery, Keep, Threads, Json,
    ];

    /// <summary>Options that mean nothing for <paramref name="stage"/> are an error, not silently ignored.</summary>
    public void RefuseUnused(ParseResult parse, string stage)
    {
        Option[] unused = stage switch
        {
            "text" => [Shards, Codec, Heads, CropFrames, TextRatio, FlowWeight, ListenWeight, ValidationUtterances],
            "head" => [SequenceLength, Text, TextRatio],
            _ => [SequenceLength],
        };
        foreach (var option in unused)
            if (parse.GetResult(option) is { Implicit: false })
                throw new Michi.InvalidInputException($"{option.Name} does not apply to --stage {stage}");
    }

    /// <summary>OptionRules.InRange for an optional value (absent = not given, no check).</summary>
    static void Optional<T>(Option<T?> option, T min, T max) where T : struct, System.Numerics.INumber<T>
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 0) return;
            if (!T.TryParse(result.Tokens[^1].Value, System.Globalization.CultureInfo.InvariantCulture, out var value)) return;
            if (value < min || value > max) result.AddError($"{option.Name} must be between {min} and {max} (got {value})");
        });
    }
}
