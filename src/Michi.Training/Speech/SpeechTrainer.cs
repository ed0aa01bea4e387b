// Trains the speech model's heads (`--stage head`: backbone frozen) or everything (`--stage
// joint`) on speech shards (DESIGN.md §4.2–4.3). A speech step: B random training utterances
// (SpeechBatch), one teacher-forced pass, loss = text CE + λ·flow matching + μ·listen CE; in
// the joint stage a step is, with probability text_ratio, a pure-text batch instead (windows
// of the training text, next-token CE over the extended vocabulary), so the backbone keeps
// its text ability. AdamW (ours) over the trainable parameters, warm-up + cosine schedule,
// gradient-norm clipping.
// Reproducibility: weights built after torch.manual_seed(seed); utterances, text windows and the
// text/speech choice from a TrainingRandom; flow noise and times from a CPU torch Generator;
// all three, weights and moments are checkpointed, so a resumed run equals an uninterrupted
// one (tested on Tiny). Validation: the last validation_utterances utterances of the shards
// (never trained on) give val_text / val_flow / val_listen, with a fixed noise seed so
// validations are comparable; held-out text gives val_text_ppl of the text stream.
// Checkpoints and OUT/model are speech model directories (SpeechLmDirectory) with the codec
// copied into codec/; a checkpoint also holds optimizer.safetensors and trainer.json.
using Michi.Data.Shards;
using Michi.Model.Codec;
using Michi.Model.Speech;
using Michi.Model.Text;
using Michi.Training.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Training.Speech;

public sealed class SpeechTrainer : StepTrainer
{
    public static IReadOnlyList<string> Columns { get; } =
    [
        "step", "seconds", "lr", "steps_per_s", "loss", "text", "flow", "listen", "text_only", "grad_norm",
        "val_text", "val_flow", "val_listen", "val_text_nll", "val_text_ppl",
    ];

    private static readonly IReadOnlyList<MetricsPanel> Panels =
    [
        new("Speech training losses", [new("text", "text CE (speech frames)"), new("flow", "flow matching"), new("listen", "listen CE"), new("text_only", "text CE (pure-text batches)")]),
        new("Held-out speech", [new("val_text", "text CE", true), new("val_flow", "flow matching", true), new("val_listen", "listen CE", true)]),
        new("Held-out text perplexity (coherence)", [new("val_text_ppl", "text stream perplexity", true)]),
    ];

    private const int ValidationSeed = 20_240_601;

    private readonly SpeechTrainingOptions _options;
    private readonly SpeechTrainingRecipe _recipe;
    private readonly SpeechLmDirectory _bundle;
    private readonly SpeechLm _model;
    private readonly AdamWOptimizer _decay;
    private readonly AdamWOptimizer _noDecay;
    private readonly TrainingRandom _random;
    private readonly Generator _noise;
    private readonly IReadOnlyList<ShardUtterance> _train;
    private readonly IReadOnlyList<ShardUtterance> _validation;
    private readonly float[] _silence;
    private readonly int[]? _text;
    private readonly int[]? _validationText;
    private readonly Device _device;
    private readonly double _flowWeight;
    private readonly double _listenWeight;

    private SpeechTrainer(SpeechTrainingOptions options, SpeechLmDirectory bundle, SpeechShardSet shards, int[]? text, int[]? validationText,
        Device device, RunState<SpeechTrainingRecipe>? state, string? resumeFolder)
        : base(options.OutputDirectory, options.Schedule, Columns, Panels)
    {
        _options = options;
        _recipe = options.Recipe;
        _bundle = bundle;
        _model = bundle.Model;
        _device = device;
        _text = text;
        _validationText = validationText;
        _silence = [.. shards.Manifest.SilenceLatent];
        int held = Math.Min(_recipe.ValidationUtterances, shards.Utterances.Count - 1);
        _train = shards.Utterances.Take(shards.Utterances.Count - held).ToList();
        _validation = shards.Utterances.Skip(shards.Utterances.Count - held).ToList();
        _flowWeight = _model.Config.FlowLossWeight;
        _listenWeight = _model.Config.ListenLossWeight;
        _random = new TrainingRandom((ulong)_recipe.Seed * 0x9E3779B97F4A7C15UL + 11);
        _noise = new Generator((ulong)_recipe.Seed + 2, torch.CPU);

        // Head stage: the backbone is frozen (no gradients, no moments), everything else trains.
        foreach (var p in _model.Backbone.parameters()) p.requires_grad = _recipe.Joint;
        _model.train();
        var named = _model.named_parameters().Where(p => p.parameter.requires_grad).ToList();
        var adam = new AdamWOptions(_recipe.Beta1, _recipe.Beta2, 1e-8, _recipe.WeightDecay);
        _decay = new AdamWOptimizer(named.Where(p => p.parameter.dim() >= 2), adam);
        _noDecay = new AdamWOptimizer(named.Where(p => p.parameter.dim() < 2), adam with { WeightDecay = 0 });
        if (state is not null && resumeFolder is not null)
        {
            OptimizerFile.Read(Path.Combine(resumeFolder, CheckpointStore.OptimizerFileName),
                [("decay.", _decay, state.OptimizerSteps), ("no_decay.", _noDecay, state.OptimizerSteps)], _noise);
            _random.State = state.DataRngState;
            Step = state.Step;
            ElapsedBefore = state.ElapsedSeconds;
        }
    }

    public SpeechLm Model => _model;
    public int TrainingUtterances => _train.Count;
    public int ValidationUtterances => _validation.Count;

    /// <summary>The recipe saved with the latest checkpoint in <paramref name="outputDirectory"/>, or null.</summary>
    public static SpeechTrainingRecipe? ReadSavedRecipe(string outputDirectory) => RunState<SpeechTrainingRecipe>.LatestRecipe(outputDirectory);

    public static TrainingResult Train(SpeechTrainingOptions options, Action<TrainingProgress>? progress = null,
        CancellationToken ct = default, Device? device = null)
    {
        using var trainer = Create(options, progress, ct, device);
        return trainer.Run(progress, ct);
    }

    /// <summary>Loads shards, model, codec and text, checks they fit each other, and builds (or restores) the trainer.</summary>
    public static SpeechTrainer Create(SpeechTrainingOptions options, Action<TrainingProgress>? progress = null,
        CancellationToken ct = default, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } problem) throw new InvalidInputException($"speech training: {problem}");
        device ??= torch.CPU;
        var (state, latest) = TrainingRuns.CheckResume<SpeechTrainingRecipe>(options.OutputDirectory, options.Resume,
            (saved, path) =>
            {
                var differences = saved.Differences(options.Recipe);
                if (differences.Count > 0)
                    throw InvalidInputException.ForFile(path, "the checkpoint was trained with a different recipe (" + string.Join("; ", differences) + ")");
            });
        var shards = SpeechShardSet.Load(options.ShardsDirectory, ct);
        if (shards.Utterances.Count < 2) throw InvalidInputException.ForFile(options.ShardsDirectory, "holds fewer than 2 utterances: nothing to train and validate on");
        string manifestPath = Path.Combine(options.ShardsDirectory, ShardManifest.FileName);

        torch.manual_seed(options.Recipe.Seed);
        var (built, tokenizerDir, modelCodecDir) = BuildModel(options, shards.Manifest, latest, device);
        SpeechLm? model = built;
        AudioCodec? codec = null;
        try
        {
            string codecDir = options.CodecDirectory ?? modelCodecDir
                ?? throw new InvalidInputException("a codec is required (--codec DIR): the model is saved with it");
            codec = AudioCodec.Load(codecDir, device);
            if (SpeechLmDirectory.CodecMismatch(codec.Config, built.Config) is { } mismatch)
                throw InvalidInputException.ForFile(Path.Combine(codecDir, CodecConfig.FileName), mismatch);
            if (codec.Config.LatentDim != shards.LatentDim || codec.Config.FrameLength != shards.Manifest.FrameLength)
                throw InvalidInputException.ForFile(manifestPath, $"latent_dim {shards.LatentDim} / frame_length {shards.Manifest.FrameLength} differ from the codec's {codec.Config.LatentDim} / {codec.Config.FrameLength}");
            if (Fingerprints.Codec(codec) != shards.Manifest.CodecFingerprint)
                throw InvalidInputException.ForFile(manifestPath, $"the shards were encoded with another codec than {codecDir} (rebuild them with `michi data shards --codec {codecDir}`)");
            if (Fingerprints.Tokenizer(tokenizerDir) != shards.Manifest.TokenizerFingerprint)
                throw InvalidInputException.ForFile(manifestPath, $"the shards were tokenised with another tokenizer than the model's ({tokenizerDir})");
            if (shards.Manifest.TokenizerVocabSize > built.Config.TextVocabSize)
                throw InvalidInputException.ForFile(manifestPath, $"tokenizer vocabulary {shards.Manifest.TokenizerVocabSize} exceeds the backbone's {built.Config.TextVocabSize}");
            var bundle = new SpeechLmDirectory(built, tokenizerDir, codec);
            model = null;
            codec = null;
            try
            {
                var tokenizer = bundle.Tokenizer;
                int[]? text = options.Recipe.Joint && options.Recipe.TextRatio > 0 ? TextTokens.Read(options.TrainText!, tokenizer, ct: ct) : null;
                if (text is not null && text.Length < options.Recipe.TextSequenceLength + 1)
                    throw InvalidInputException.ForFile(options.TrainText!, $"{text.Length} tokens: fewer than one text window of {options.Recipe.TextSequenceLength + 1}");
                int[]? validationText = options.ValidationText is { } v ? TextTokens.Read(v, tokenizer, options.ValidationTokens, ct) : null;
                progress?.Invoke(new TrainingProgress(state?.Step ?? 0, options.Schedule.Steps, double.NaN, double.NaN, null,
                    $"data: {shards.Utterances.Count} utterances ({shards.Manifest.Seconds / 3600:0.##} h) from {shards.Manifest.Shards.Count} shard(s)" +
                    (text is null ? "" : $", {text.Length:N0} text tokens") + (validationText is null ? "" : $", {validationText.Length:N0} held-out text tokens")));
                var trainer = new SpeechTrainer(options, bundle, shards, text, validationText, device, state, latest);
                if (state?.DataDifference(trainer.Fingerprint()) is { } changed)
                    progress?.Invoke(new TrainingProgress(state.Step, options.Schedule.Steps, double.NaN, double.NaN, null,
                        $"warning: the data changed since the checkpoint ({changed}); the run will not match an uninterrupted one"));
                return trainer;
            }
            catch
            {
                bundle.Dispose();
                throw;
            }
        }
        finally
        {
            model?.Dispose();
            codec?.Dispose();
        }
    }

    // The model to train, its tokenizer's directory and (when it holds one) its codec directory.
    private static (SpeechLm Model, string TokenizerDirectory, string? CodecDirectory) BuildModel(SpeechTrainingOptions options,
        ShardManifest manifest, string? resumeFolder, Device device)
    {
        var recipe = options.Recipe;
        SpeechLmConfig Adjust(SpeechLmConfig c) => c with
        {
            FlowLossWeight = recipe.FlowLossWeight ?? c.FlowLossWeight,
            ListenLossWeight = recipe.ListenLossWeight ?? c.ListenLossWeight,
        };
        string? source = resumeFolder ?? recipe.Init;
        if (source is not null)
        {
            string directory = resumeFolder ?? SpeechModelFactory.Resolve(source);
            string? codec = Directory.Exists(Path.Combine(directory, SpeechLmDirectory.CodecDirectoryName))
                ? Path.Combine(directory, SpeechLmDirectory.CodecDirectoryName) : null;
            switch (SpeechModelFactory.Kind(directory))
            {
                case ModelDirectoryKind.Speech:
                    return (SpeechModelFactory.LoadSpeech(directory, Adjust, device),
                        Path.Combine(directory, SpeechLmDirectory.BackboneDirectoryName), codec);
                case ModelDirectoryKind.Backbone:
                    return (SpeechModelFactory.FromBackbone(directory,
                        backbone => Adjust(SpeechModelFactory.Config(recipe.Heads, backbone, manifest.LatentDim)), device), directory, null);
                default:
                    throw InvalidInputException.ForFile(directory, "holds no config.json");
            }
        }
        var preset = Michi.Model.Backbone.LlamaConfig.Preset(recipe.BackbonePreset!)
            ?? throw new InvalidInputException($"backbone preset \"{recipe.BackbonePreset}\" is unknown");
        string tokenizerDir = options.TokenizerDirectory ?? throw new InvalidInputException("a backbone preset needs --tokenizer DIR");
        return (SpeechModelFactory.FromScratch(Adjust(SpeechModelFactory.Config(recipe.Heads, preset, manifest.LatentDim, recipe.BackbonePreset)), device),
            tokenizerDir, null);
    }

    private Dictionary<string, long> Fingerprint() => new()
    {
        ["train_utterances"] = _train.Count,
        ["train_frames"] = _train.Sum(u => (long)u.Frames),
        ["validation_utterances"] = _validation.Count,
        ["text_tokens"] = _text?.Length ?? 0,
    };

    protected override double LearningRateAt(long step) => _recipe.LearningRateAt(step);

    protected override double TrainStep(StepMetrics metrics)
    {
        using var scope = torch.NewDisposeScope();
        bool textStep = _recipe.Joint && _text is not null && _recipe.TextRatio > 0 && _random.NextDouble() < _recipe.TextRatio;
        Tensor loss;
        if (textStep)
        {
            loss = TextLoss(_text!, _recipe.TextBatchSize);
            metrics.Add("text_only", loss.item<float>());
        }
        else
        {
            var picked = new ShardUtterance[_recipe.BatchSize];
            for (int i = 0; i < picked.Length; i++) picked[i] = _train[(int)_random.NextInt64(_train.Count)];
            using var batch = SpeechBatch.Build(picked, _recipe.CropFrames, _model.Config, _silence, _device);
            var (total, text, flow, listen) = SpeechLoss(batch, _noise);
            loss = total;
            metrics.Add("text", text.item<float>());
            metrics.Add("flow", flow.item<float>());
            metrics.Add("listen", listen.item<float>());
        }
        _decay.ZeroGrad();
        _noDecay.ZeroGrad();
        loss.backward();
        var withGrad = _decay.Parameters.Concat(_noDecay.Parameters).Where(p => p.grad is not null).ToList();
        double norm = withGrad.Count == 0 ? 0 : torch.nn.utils.clip_grad_norm_(withGrad, _recipe.GradClip);
        double lr = _recipe.LearningRateAt(Step);
        if (double.IsFinite(norm))
        {
            _decay.Step(lr);
            _noDecay.Step(lr);
        }
        double value = loss.item<float>();
        metrics.Add("loss", value);
        metrics.Add("grad_norm", norm);
        return value;
    }

    // text CE + λ·flow + μ·listen on one speech batch (SpeechLmLoss's pieces; the listen head reads the utterance).
    private (Tensor Total, Tensor Text, Tensor Flow, Tensor Listen) SpeechLoss(SpeechBatch batch, Generator noise)
    {
        var output = _model.Forward(batch.Inputs);
        var text = SpeechLmLoss.TextCrossEntropy(output.TextLogits, batch.Targets.TextTargets);
        var flow = SpeechLmLoss.FlowMatching(_model.Heads.SpeakHead, output.Hidden, batch.Targets.Latents!, batch.Targets.LatentMask,
            noise, _model.Config.FlowSamplesPerFrame);
        var listen = SpeechLmLoss.ListenText(_model.ListenLogits(batch.ListenLatents), batch.ListenTargets);
        return (SpeechLmLoss.Combine(text, flow, listen, _flowWeight, _listenWeight), text, flow, listen);
    }

    private Tensor TextLoss(int[] tokens, int batch)
    {
        int l = _recipe.TextSequenceLength;
        var windows = new long[batch * (l + 1)];
        TextTokens.SampleWindows(tokens, _random, windows, batch, l);
        var all = torch.tensor(windows, [batch, l + 1], device: _device);               // (B, L + 1)
        var output = _model.Forward(SpeechLmInputs.Text(all.narrow(1, 0, l)));
        return SpeechLmLoss.TextCrossEntropy(output.TextLogits, all.narrow(1, 1, l));
    }

    public override IReadOnlyDictionary<string, double> Validate()
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        using var noGrad = torch.no_grad();
        if (_validation.Count > 0)
        {
            using var noise = new Generator(ValidationSeed, torch.CPU);
            double text = 0, flow = 0, listen = 0;
            long frames = 0;
            foreach (var chunk in _validation.Chunk(_recipe.BatchSize))
            {
                using var scope = torch.NewDisposeScope();
                using var batch = SpeechBatch.Build(chunk, _recipe.CropFrames, _model.Config, _silence, _device);
                var (_, t, f, l) = SpeechLoss(batch, noise);
                text += t.item<float>() * batch.Frames;
                flow += f.item<float>() * batch.Frames;
                listen += l.item<float>() * batch.Frames;
                frames += batch.Frames;
            }
            values["val_text"] = text / frames;
            values["val_flow"] = flow / frames;
            values["val_listen"] = listen / frames;
        }
        if (_validationText is not null)
        {
            int window = Math.Min(_recipe.TextSequenceLength, _model.Config.Backbone.MaxPositionEmbeddings);
            var result = TextPerplexity.Evaluate(ids => _model.Forward(SpeechLmInputs.Text(ids)).TextLogits, _validationText, window, _device);
            values["val_text_nll"] = result.MeanNll;
            values["val_text_ppl"] = result.Perplexity;
        }
        return values;
    }

    protected override void WriteCheckpoint(string folder, Action<string> written, double elapsedSeconds)
    {
        _bundle.Save(folder);
        written(Path.Combine(folder, SpeechLmConfig.FileName));
        string optimizer = Path.Combine(folder, CheckpointStore.OptimizerFileName);
        OptimizerFile.Write(optimizer, [("decay.", _decay), ("no_decay.", _noDecay)], _noise);
        written(optimizer);
        var state = new RunState<SpeechTrainingRecipe>
        {
            Step = Step, ElapsedSeconds = elapsedSeconds, DataRngState = _random.State, OptimizerSteps = _decay.Steps,
            Data = Fingerprint(), Recipe = _recipe,
        };
        AtomicFile.WriteAllText(Path.Combine(folder, RunState<SpeechTrainingRecipe>.FileName), state.ToJson());
        written(Path.Combine(folder, RunState<SpeechTrainingRecipe>.FileName));
    }

    protected override void ExportModel(string folder) => _bundle.Save(folder);

    public override void Dispose()
    {
        _decay.Dispose();
        _noDecay.Dispose();
        _noise.Dispose();
        _bundle.Dispose();
    }
}
