// Pretrains a Llama backbone on a text corpus (`michi train --stage text`): the demo model's text
// side when no pretrained text model is at hand (DESIGN.md §4, issue 7). One step: B random
// windows of L + 1 consecutive tokens of the tokenised training file (TextTokens), next-token
// cross-entropy over all L positions, AdamW (ours: decay on matrices, none on norms) with a
// warm-up + cosine learning rate and gradient-norm clipping.
// Initialisation: a preset's shape with transformers' N(0, 0.02) init (LlamaInit) after
// torch.manual_seed(seed), or the weights of a Hugging Face directory (--init) to continue
// pretraining. Reproducibility as in the codec trainer: windows come from a TrainingRandom whose
// state is checkpointed with the weights and moments, so a resumed run lands on the weights of
// an uninterrupted one (tested). Validation: perplexity of the first ValidationTokens tokens of
// the validation file in windows of the training length (TextPerplexity).
// Every checkpoint folder, and OUT/model at the end, is a Hugging Face model directory
// (HfModelWriter) that HfModelDirectory and `michi text generate` load as it is.
using System.Diagnostics;
using Michi.Model.Backbone;
using Michi.Model.Checkpoints;
using Michi.Model.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Training.Text;

public sealed class TextTrainer : StepTrainer
{
    public static IReadOnlyList<string> Columns { get; } =
        ["step", "seconds", "lr", "steps_per_s", "tokens_per_s", "loss", "grad_norm", "val_nll", "val_ppl"];

    private static readonly IReadOnlyList<MetricsPanel> Panels =
    [
        new("Text pretraining: next-token cross-entropy (nats)", [new("loss", "train"), new("val_nll", "validation", true)]),
        new("Validation perplexity", [new("val_ppl", "validation perplexity", true)]),
    ];

    private readonly TextTrainingOptions _options;
    private readonly TextTrainingRecipe _recipe;
    private readonly HfModelDirectory? _loaded;
    private readonly LlamaForCausalLM _model;
    private readonly AdamWOptimizer _decay;
    private readonly AdamWOptimizer _noDecay;
    private readonly TrainingRandom _random;
    private readonly int[] _train;
    private readonly int[] _validation;
    private readonly long[] _windows;
    private readonly Device _device;

    private TextTrainer(TextTrainingOptions options, int[] train, int[] validation, Device device, RunState<TextTrainingRecipe>? state, string? resumeFolder)
        : base(options.OutputDirectory, options.Schedule, Columns, Panels)
    {
        _options = options;
        _recipe = options.Recipe;
        _train = train;
        _validation = validation;
        _device = device;
        _windows = new long[_recipe.BatchSize * (_recipe.SequenceLength + 1)];
        _random = new TrainingRandom((ulong)_recipe.Seed * 0x9E3779B97F4A7C15UL + 7);

        torch.manual_seed(_recipe.Seed);
        string? weights = resumeFolder ?? _recipe.Init;
        if (weights is not null)
        {
            _loaded = HfModelDirectory.Load(weights, ScalarType.Float32, device);
            _model = _loaded.Model;
            if (ConfigJson(_model.Config) != ConfigJson(_recipe.Model))
            {
                _loaded.Dispose();
                throw InvalidInputException.ForFile(Path.Combine(weights, LlamaConfig.FileName), "differs from the recipe's model config");
            }
        }
        else
        {
            _model = new LlamaForCausalLM(_recipe.Model, ScalarType.Float32, device);
            LlamaInit.Apply(_model, _recipe.InitStd);
        }
        _model.train();
        var named = _model.named_parameters().ToList();
        var adam = new AdamWOptions(_recipe.Beta1, _recipe.Beta2, 1e-8, _recipe.WeightDecay);
        _decay = new AdamWOptimizer(named.Where(p => p.parameter.dim() >= 2), adam);
        _noDecay = new AdamWOptimizer(named.Where(p => p.parameter.dim() < 2), adam with { WeightDecay = 0 });
        if (state is not null && resumeFolder is not null)
        {
            OptimizerFile.Read(Path.Combine(resumeFolder, CheckpointStore.OptimizerFileName),
                [("decay.", _decay, state.OptimizerSteps), ("no_decay.", _noDecay, state.OptimizerSteps)], rng: null);
            _random.State = state.DataRngState;
            Step = state.Step;
            ElapsedBefore = state.ElapsedSeconds;
        }
    }

    public LlamaForCausalLM Model => _model;

    // Records holding lists compare lists by reference: compare configs by their JSON (dtype aside).
    internal static string ConfigJson(LlamaConfig config) => System.Text.Json.JsonSerializer.Serialize(config with { TorchDtype = null });

    /// <summary>The recipe saved with the latest checkpoint in <paramref name="outputDirectory"/>, or null.</summary>
    public static TextTrainingRecipe? ReadSavedRecipe(string outputDirectory) => RunState<TextTrainingRecipe>.LatestRecipe(outputDirectory);

    public static TrainingResult Train(TextTrainingOptions options, Action<TrainingProgress>? progress = null,
        CancellationToken ct = default, Device? device = null)
    {
        using var trainer = Create(options, progress, ct, device);
        return trainer.Run(progress, ct);
    }

    /// <summary>Tokenises the data and builds (or restores) the model and optimiser.</summary>
    public static TextTrainer Create(TextTrainingOptions options, Action<TrainingProgress>? progress = null,
        CancellationToken ct = default, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } problem) throw new InvalidInputException($"text training: {problem}");
        var (state, latest) = TrainingRuns.CheckResume<TextTrainingRecipe>(options.OutputDirectory, options.Resume,
            (saved, path) =>
            {
                var differences = saved.Differences(options.Recipe);
                if (differences.Count > 0)
                    throw InvalidInputException.ForFile(path, "the checkpoint was trained with a different recipe (" + string.Join("; ", differences) + ")");
            });
        var tokenizer = TextTokenizer.Load(options.TokenizerDirectory);
        if (tokenizer.VocabSize > options.Recipe.Model.VocabSize)
            throw InvalidInputException.ForFile(Path.Combine(options.TokenizerDirectory, "tokenizer.json"),
                $"tokenizer has ids up to {tokenizer.VocabSize - 1}, beyond the model's vocab_size {options.Recipe.Model.VocabSize}");
        var clock = Stopwatch.StartNew();
        int[] train = TextTokens.Read(options.TrainText, tokenizer, ct: ct);
        if (train.Length < options.Recipe.SequenceLength + 1)
            throw InvalidInputException.ForFile(options.TrainText, $"{train.Length} tokens: fewer than one training window of {options.Recipe.SequenceLength + 1}");
        int[] validation = TextTokens.Read(options.ValidationText, tokenizer, options.ValidationTokens, ct);
        progress?.Invoke(new TrainingProgress(state?.Step ?? 0, options.Schedule.Steps, double.NaN, double.NaN, null,
            $"data: {train.Length:N0} training tokens, {validation.Length:N0} validation tokens (tokenised in {clock.Elapsed.TotalSeconds:0.0} s)"));
        var fingerprint = Fingerprint(train, validation);
        if (state?.DataDifference(fingerprint) is { } changed)
            progress?.Invoke(new TrainingProgress(state.Step, options.Schedule.Steps, double.NaN, double.NaN, null,
                $"warning: the data changed since the checkpoint ({changed}); the run will not match an uninterrupted one"));
        return new TextTrainer(options, train, validation, device ?? torch.CPU, state, latest);
    }

    private static Dictionary<string, long> Fingerprint(int[] train, int[] validation) =>
        new() { ["train_tokens"] = train.Length, ["validation_tokens"] = validation.Length };

    protected override double LearningRateAt(long step) => _recipe.LearningRateAt(step);

    protected override double TrainStep(StepMetrics metrics)
    {
        long start = Stopwatch.GetTimestamp();
        using var scope = torch.NewDisposeScope();
        int b = _recipe.BatchSize, l = _recipe.SequenceLength;
        TextTokens.SampleWindows(_train, _random, _windows, b, l);
        var all = torch.tensor(_windows, [b, l + 1]).to(_device);                      // (B, L + 1)
        var input = all.narrow(1, 0, l);                                                // (B, L)
        var target = all.narrow(1, 1, l);                                               // (B, L)
        var logits = _model.Forward(input);                                             // (B, L, V) float32
        var loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[2]), target.reshape(-1));
        _decay.ZeroGrad();
        _noDecay.ZeroGrad();
        loss.backward();
        var withGrad = _model.parameters().Where(p => p.grad is not null).ToList();
        double norm = torch.nn.utils.clip_grad_norm_(withGrad, _recipe.GradClip);
        double lr = _recipe.LearningRateAt(Step);
        if (double.IsFinite(norm))
        {
            _decay.Step(lr);
            _noDecay.Step(lr);
        }
        double value = loss.item<float>();
        metrics.Add("loss", value);
        metrics.Add("grad_norm", norm);
        metrics.Add("tokens_per_s", b * l / Math.Max(Stopwatch.GetElapsedTime(start).TotalSeconds, 1e-9));
        return value;
    }

    public override IReadOnlyDictionary<string, double> Validate()
    {
        var result = TextPerplexity.Evaluate(ids => _model.Forward(ids), _validation, _recipe.SequenceLength, _device);
        return new Dictionary<string, double> { ["val_nll"] = result.MeanNll, ["val_ppl"] = result.Perplexity };
    }

    protected override void WriteCheckpoint(string folder, Action<string> written, double elapsedSeconds)
    {
        HfModelWriter.Write(folder, _model, _options.TokenizerDirectory);
        written(Path.Combine(folder, Checkpoint.SingleFileName));
        string optimizer = Path.Combine(folder, CheckpointStore.OptimizerFileName);
        OptimizerFile.Write(optimizer, [("decay.", _decay), ("no_decay.", _noDecay)], rng: null);
        written(optimizer);
        var state = new RunState<TextTrainingRecipe>
        {
            Step = Step, ElapsedSeconds = elapsedSeconds, DataRngState = _random.State, OptimizerSteps = _decay.Steps,
            Data = Fingerprint(_train, _validation), Recipe = _recipe,
        };
        AtomicFile.WriteAllText(Path.Combine(folder, RunState<TextTrainingRecipe>.FileName), state.ToJson());
        written(Path.Combine(folder, RunState<TextTrainingRecipe>.FileName));
    }

    protected override void ExportModel(string folder) => HfModelWriter.Write(folder, _model, _options.TokenizerDirectory);

    public override void Dispose()
    {
        _decay.Dispose();
        _noDecay.Dispose();
        if (_loaded is not null) _loaded.Dispose();
        else _model.Dispose();
    }
}
