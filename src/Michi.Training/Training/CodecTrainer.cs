// Trains the audio codec (listen encoder + vocoder, DESIGN.md §4.1) on a folder of WAVs.
// One step: B random crops x → VAE posterior (μ, log σ²) → z = μ + σ·ε → vocoder → ŷ; then
//   - from adversarial_start_step on, a discriminator step: LSGAN loss on D(x) vs D(ŷ.detach());
//   - a generator step: mel·L_mel + sc·L_sc + mag·L_mag + kl·KL (+ adv·L_adv + fm·L_fm with
//     the discriminators frozen and the real features computed without gradients)
//     (+ f0·L_f0 for a harmonic-head vocoder: its log-F0 prediction against YIN on voiced
//     hops, PitchTargets; the oscillator is driven by the measured F0 where voiced when
//     f0_teacher_forcing is on).
// The MRD's spectrograms (parameter-free) of x and ŷ are computed once per step and shared by
// both updates (ŷ's detached for the discriminator's); CodecTrainStepReferenceTests checks the
// step against the straightforward one. `michi codec bench --train` times its parts (StepTimer).
// Both optimisers are AdamW (our own, see AdamWOptimizer) with gradient-norm clipping and a learning
// rate that is a pure function of the step (CodecTrainingRecipe.LearningRateAt).
// Reproducibility: weights are initialised after torch.manual_seed(seed); crops come from a
// TrainingRandom and the VAE noise from a dedicated CPU torch.Generator (moved to the device
// afterwards, so the stream is the same on every device); both states, the weights and the
// optimiser moments are checkpointed (CheckpointStore), so a resumed run continues exactly as
// an uninterrupted one would (tested to 1e-6). Cancellation writes a checkpoint before it
// returns. Validation: held-out files (up to ValidationSeconds each) are encoded to posterior
// means and decoded from a fresh state in eval mode; val_mel is the multi-resolution log-mel
// L1, the same measure as the training mel term; val_f0 (harmonic vocoders) the F0 error of the
// predicted pitch, no teacher forcing.
using System.Diagnostics;
using Michi.Model;
using Michi.Model.Checkpoints;
using Michi.Model.Codec;
using Michi.Training.Discriminators;
using Michi.Training.Losses;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Michi.Training;

public sealed class CodecTrainer : IDisposable
{
    private readonly CodecTrainingOptions _options;
    private readonly CodecTrainingRecipe _recipe;
    private readonly AudioFolder _data;
    private readonly Device _device;
    private readonly AudioCodec _codec;
    private readonly CodecDiscriminator _discriminator;
    private readonly AdamWOptimizer _generatorOptimizer;
    private readonly AdamWOptimizer _discriminatorOptimizer;
    private readonly MultiResolutionSpectralLoss _spectral;
    private readonly TrainingRandom _random;
    private readonly Generator _noise;
    private readonly CheckpointStore _store;
    internal CheckpointStore Store => _store;
    private readonly MetricsLog _metrics;
    private readonly float[] _batch;
    private readonly long _stepsPerEpoch;
    private long _step;
    private double _elapsedBefore;
    private double? _lastValidation;
    private double? _lastValidationF0;

    private CodecTrainer(CodecTrainingOptions options, AudioFolder data, Device device, TrainerState? resumed, string? resumeFolder)
    {
        _options = options;
        _recipe = options.Recipe;
        _data = data;
        _device = device;
        _store = new CheckpointStore(options.OutputDirectory);
        _metrics = new MetricsLog(Path.Combine(options.OutputDirectory, MetricsLog.FileName));
        _random = DataRandom(_recipe.Seed);
        _noise = NoiseGenerator(_recipe.Seed);
        _batch = new float[_recipe.BatchSize * _recipe.CropSamples];
        _stepsPerEpoch = resumed?.StepsPerEpoch ?? Math.Max(1, data.TrainingSamples / ((long)_recipe.BatchSize * _recipe.CropSamples));

        NativeHeap.KeepFreedMemory();   // steps reuse their freed activation memory (see NativeHeap)
        torch.manual_seed(_recipe.Seed);
        _codec = resumeFolder is null ? new AudioCodec(_recipe.Codec) : AudioCodec.Load(resumeFolder);
        if (resumeFolder is null && _recipe.InitEncoder is { } encoderFrom) CopyWeights(encoderFrom, _codec, encoderOnly: true);
        if (resumeFolder is null && _recipe.InitCodec is { } codecFrom) CopyWeights(codecFrom, _codec, encoderOnly: false);
        if (_recipe.FreezeEncoder)
            foreach (var p in _codec.Encoder.parameters()) p.requires_grad = false;
        _discriminator = new CodecDiscriminator(_recipe.Discriminator);
        _codec.to(device);
        _discriminator.to(device);
        _codec.train();
        _discriminator.train();
        _generatorOptimizer = new AdamWOptimizer(_codec.named_parameters(), _recipe.AdamOptions);
        _discriminatorOptimizer = new AdamWOptimizer(_discriminator.named_parameters(), _recipe.AdamOptions);
        _spectral = new MultiResolutionSpectralLoss(_recipe.Codec.SampleRate, _recipe.SpectralResolutions, device);
        if (resumed is not null && resumeFolder is not null) Restore(resumed, resumeFolder);
    }

    /// <summary>Copies the weights of the codec in <paramref name="directory"/> into <paramref name="codec"/>:
    /// the listen encoder's only (init_encoder: same encoder config required), or every weight
    /// (init_codec: configs may differ only in what carries no weights, e.g. noise_phase).</summary>
    private static void CopyWeights(string directory, AudioCodec codec, bool encoderOnly)
    {
        using var source = AudioCodec.Load(directory);
        string configPath = Path.Combine(directory, CodecConfig.FileName);
        string EncoderShape(CodecConfig c) => System.Text.Json.JsonSerializer.Serialize(new { c.Encoder, c.LatentDim, c.FrameLength });
        if (encoderOnly && EncoderShape(source.Config) != EncoderShape(codec.Config))
            throw InvalidInputException.ForFile(configPath,
                "its encoder (or latent_dim, frame_length) differs from the one being trained; init_encoder needs the same encoder config");
        nn.Module from = encoderOnly ? source.Encoder : source, to = encoderOnly ? codec.Encoder : codec;
        var target = to.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var weights = from.named_parameters().ToList();
        if (weights.Count != target.Count || weights.Any(w => !target.TryGetValue(w.name, out var t) || !t.shape.SequenceEqual(w.parameter.shape)))
            throw InvalidInputException.ForFile(configPath,
                "its weights (names or shapes) differ from the codec being trained; init_codec needs the same architecture");
        using var _ = torch.no_grad();
        foreach (var (name, parameter) in weights) target[name].copy_(parameter);
    }

    /// <summary>The crop sampler's random stream of a run with this seed.</summary>
    internal static TrainingRandom DataRandom(int seed) => new((ulong)seed * 0x9E3779B97F4A7C15UL + 1);

    /// <summary>The VAE noise generator of a run with this seed (CPU, whatever the device).</summary>
    internal static Generator NoiseGenerator(int seed) => new((ulong)seed + 1, torch.CPU);

    internal long StepsPerEpoch => _stepsPerEpoch;

    public AudioCodec Codec => _codec;
    public CodecDiscriminator Discriminator => _discriminator;
    public long Step => _step;

    /// <summary>The recipe saved with the latest checkpoint in <paramref name="outputDirectory"/>, or null.</summary>
    public static CodecTrainingRecipe? ReadSavedRecipe(string outputDirectory)
    {
        string? folder = new CheckpointStore(outputDirectory).Latest();
        return folder is null ? null : TrainerState.Load(Path.Combine(folder, TrainerState.FileName)).Recipe;
    }

    /// <summary>Runs (or resumes) a training run to options.Steps; checkpoints, logs and plots into options.OutputDirectory.</summary>
    public static CodecTrainingResult Train(CodecTrainingOptions options, Action<CodecTrainingProgress>? progress = null,
        CancellationToken ct = default, Device? device = null)
    {
        using var trainer = Create(options, progress, ct, device);
        return trainer.Run(progress, ct);
    }

    /// <summary>Loads the data and builds (or restores) the models and optimisers.</summary>
    public static CodecTrainer Create(CodecTrainingOptions options, Action<CodecTrainingProgress>? progress = null,
        CancellationToken ct = default, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } problem) throw new InvalidInputException($"codec training: {problem}");
        var store = new CheckpointStore(options.OutputDirectory);
        string? latest = store.Latest();
        TrainerState? state = null;
        if (options.Resume)
        {
            if (latest is null)
                throw InvalidInputException.ForFile(options.OutputDirectory, "no checkpoint to resume from (train without --resume first)");
            state = TrainerState.Load(Path.Combine(latest, TrainerState.FileName));
            var saved = options.ResetDiscriminator ? state.Recipe with { Discriminator = options.Recipe.Discriminator } : state.Recipe;
            var differences = saved.Differences(options.Recipe);
            if (differences.Count > 0)
                throw InvalidInputException.ForFile(Path.Combine(latest, TrainerState.FileName),
                    "the checkpoint was trained with a different recipe (" + string.Join("; ", differences) + ")");
        }
        else if (latest is not null)
        {
            throw InvalidInputException.ForFile(options.OutputDirectory, "already holds a training run; pass --resume to continue it or choose a new folder");
        }

        var data = AudioFolder.Load(options.DataDirectory, options.Recipe.Codec.SampleRate, options.Recipe.ValidationFiles, ct);
        progress?.Invoke(Event(state?.Step ?? 0, options.Steps, "data: " + data.Describe()));
        if (state is not null && (state.TrainingFiles != data.Training.Count || state.TrainingSamples != data.TrainingSamples))
            progress?.Invoke(Event(state.Step, options.Steps,
                $"warning: the training data changed since the checkpoint ({state.TrainingFiles} files / {state.TrainingSamples} samples then); the run will not match an uninterrupted one"));
        Directory.CreateDirectory(options.OutputDirectory);
        return new CodecTrainer(options, data, device ?? torch.CPU, state, latest);
    }

    private void Restore(TrainerState state, string folder)
    {
        bool keepDiscriminator = !_options.ResetDiscriminator;
        if (keepDiscriminator)
            using (var file = Checkpoint.Open(Path.Combine(folder, CheckpointStore.DiscriminatorFileName)))
                CheckpointLoader.LoadInto(_discriminator, file, strict: true);
        string optimizerPath = Path.Combine(folder, CheckpointStore.OptimizerFileName);
        using (var file = SafetensorsFile.Open(optimizerPath))
        {
            bool Contains(string n) => file.Entries.ContainsKey(n);
            Tensor Read(string n) => file.ReadTensor(n, ScalarType.Float32);
            _generatorOptimizer.LoadState(Contains, Read, file.Entries.Keys, "generator.", state.GeneratorOptimizerSteps, optimizerPath);
            if (keepDiscriminator)
                _discriminatorOptimizer.LoadState(Contains, Read, file.Entries.Keys, "discriminator.", state.DiscriminatorOptimizerSteps, optimizerPath);
            if (!Contains(RngTensorName)) throw InvalidInputException.ForFile(optimizerPath, $"'{RngTensorName}' is missing");
            using var rng = file.ReadTensor(RngTensorName);
            try
            {
                _noise.set_state(rng);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw InvalidInputException.ForFile(optimizerPath, $"'{RngTensorName}' is not a torch generator state ({e.Message.Split('\n')[0]})");
            }
        }
        _random.State = state.DataRngState;
        _step = state.Step;
        _elapsedBefore = state.ElapsedSeconds;
    }

    private const string RngTensorName = "rng.torch";

    public CodecTrainingResult Run(Action<CodecTrainingProgress>? progress = null, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        long target = _options.Steps;
        if (_step > 0) progress?.Invoke(Event(_step, target, $"resumed at step {_step}"));
        _metrics.TruncateAfter(_step == 0 ? -1 : _step);
        if (_step == 0) RecordValidation(progress, clock);

        var interval = new StepMetrics();
        long intervalStart = Stopwatch.GetTimestamp();
        long intervalSteps = 0;
        long lastSaved = _step;
        double stepsPerSecond = 0;
        string lastCheckpoint = _store.Latest() ?? "";
        while (_step < target)
        {
            if (ct.IsCancellationRequested)
            {
                if (_step > lastSaved) Save(clock);
                ct.ThrowIfCancellationRequested();
            }
            bool adversarial;
            double mel, loss;
            using (GcPause.Start()) (adversarial, mel, loss) = TrainStep(interval);   // see Michi.Model/GcPause.cs
            _step++;
            intervalSteps++;
            double seconds = Stopwatch.GetElapsedTime(intervalStart).TotalSeconds;
            stepsPerSecond = intervalSteps / Math.Max(seconds, 1e-9);
            progress?.Invoke(new CodecTrainingProgress(_step, target, adversarial, mel, loss, stepsPerSecond, _lastValidation));

            if (_step % _options.LogEvery == 0 || _step == target)
            {
                var row = interval.TakeAverages();
                row["step"] = _step;
                row["epoch"] = (double)_step / _stepsPerEpoch;
                row["seconds"] = Elapsed(clock);
                row["lr"] = _recipe.LearningRateAt(_step - 1, _stepsPerEpoch);
                row["steps_per_s"] = stepsPerSecond;
                _metrics.Append(row);
                intervalStart = Stopwatch.GetTimestamp();
                intervalSteps = 0;
            }
            bool checkpoint = _step % _options.CheckpointEvery == 0 || _step == target;
            if (_step % _options.ValidateEvery == 0 || _step == target) RecordValidation(progress, clock);
            if (checkpoint)
            {
                lastCheckpoint = Save(clock);
                lastSaved = _step;
                progress?.Invoke(Event(_step, target, $"checkpoint {Path.GetFileName(lastCheckpoint)}"));
            }
        }
        if (lastCheckpoint.Length == 0 || _step > lastSaved) lastCheckpoint = Save(clock);
        return new CodecTrainingResult(_step, lastCheckpoint, _lastValidation, Elapsed(clock), stepsPerSecond);
    }

    /// <summary>One optimisation step (discriminator then generator); returns the phase, mel term and total generator loss.</summary>
    internal (bool Adversarial, double Mel, double Loss) TrainStep(StepMetrics metrics, StepTimer? timer = null)
    {
        using var scope = torch.NewDisposeScope();
        timer?.Start();
        int batch = _recipe.BatchSize, crop = _recipe.CropSamples;
        _data.SampleBatch(_random, _batch, batch, crop);
        var x = torch.tensor(_batch, [batch, crop]).to(_device);                          // (B, N)
        timer?.Lap("data");
        var (mean, logVar) = _codec.Encoder.Posterior(x);                                  // (B, L, D) each
        var epsilon = torch.randn(mean.shape, generator: _noise).to(_device);             // (B, L, D)
        var z = mean + (logVar * 0.5).exp() * epsilon;                                     // (B, L, D)
        timer?.Lap("encoder");
        Tensor? f0Target = null, voiced = null;                                            // (B, F) each
        if (_codec.Vocoder.PredictsPitch)
        {
            (f0Target, voiced) = PitchTargets.Estimate(x, _recipe.Codec.SampleRate, (int)_codec.Vocoder.Hop);
            timer?.Lap("pitch_targets");
        }
        Tensor y;
        Tensor? f0Loss;
        using (var state = _codec.Vocoder.CreateState(batch))
        {
            Tensor? logF0;
            (y, logF0) = _codec.Vocoder.StepWithPitch(z, state,
                _recipe.F0TeacherForcing && f0Target is not null ? f0Target * voiced! : null);  // (B, N), (B, F) or null
            f0Loss = logF0 is null ? null : PitchLoss(logF0, f0Target!, voiced!);
        }
        timer?.Lap("vocoder");
        bool adversarial = _step >= _recipe.AdversarialStartStep;
        double lr = _recipe.LearningRateAt(_step, _stepsPerEpoch);

        // The MRD spectrograms have no parameters: computed once here for both updates, the generated
        // audio's with its graph (the generator update backpropagates through it; the discriminator
        // update sees it detached, as it sees y).
        IReadOnlyList<Tensor> realSpectra = [], fakeSpectra = [];
        if (adversarial)
        {
            realSpectra = _discriminator.Spectra(x);                                       // x needs no gradient
            fakeSpectra = _discriminator.Spectra(y);
            SetTrainable(_discriminator, true);
            var fakeDetached = y.detach();
            var real = _discriminator.Judge(x, realSpectra);
            var fake = _discriminator.Judge(fakeDetached, fakeSpectra.Select(s => s.detach()).ToList());
            var discLoss = GanLosses.DiscriminatorLoss(real.Select(o => o.Logits).ToList(), fake.Select(o => o.Logits).ToList());
            timer?.Lap("d_forward");
            _discriminatorOptimizer.ZeroGrad();
            discLoss.backward();
            timer?.Lap("d_backward");
            double discNorm = ClipGradients(_discriminatorOptimizer, _recipe.DiscriminatorGradClip);
            if (double.IsFinite(discNorm)) _discriminatorOptimizer.Step(lr);
            metrics.Add("disc", discLoss.item<float>());
            metrics.Add("disc_grad_norm", discNorm);
            timer?.Lap("d_optimizer");
        }

        using var terms = _spectral.Compute(y, x);
        var kl = LatentPosterior.KlDivergence(mean, logVar);
        var loss = terms.Mel * _recipe.MelWeight + terms.Convergence * _recipe.ConvergenceWeight
            + terms.LogMagnitude * _recipe.LogMagnitudeWeight + kl * _recipe.KlWeight;
        if (f0Loss is not null)
        {
            loss = loss + f0Loss * _recipe.F0Weight;
            metrics.Add("f0", f0Loss.item<float>());
        }
        timer?.Lap("spectral_loss");
        if (adversarial)
        {
            SetTrainable(_discriminator, false);
            IReadOnlyList<DiscriminatorOutput> real;
            using (torch.no_grad()) real = _discriminator.Judge(x, realSpectra);
            var fake = _discriminator.Judge(y, fakeSpectra);
            var adv = GanLosses.GeneratorLoss(fake.Select(o => o.Logits).ToList());
            var fm = GanLosses.FeatureMatching(real.Select(o => o.Features).ToList(), fake.Select(o => o.Features).ToList());
            loss = loss + adv * _recipe.AdversarialWeight + fm * _recipe.FeatureWeight;
            metrics.Add("adv", adv.item<float>());
            metrics.Add("fm", fm.item<float>());
            timer?.Lap("g_adversarial");
        }
        _generatorOptimizer.ZeroGrad();
        loss.backward();
        timer?.Lap("g_backward");
        double norm = ClipGradients(_generatorOptimizer, _recipe.GeneratorGradClip);
        if (double.IsFinite(norm)) _generatorOptimizer.Step(lr);
        timer?.Lap("g_optimizer");

        double melValue = terms.Mel.item<float>(), lossValue = loss.item<float>();
        metrics.Add("loss", lossValue);
        metrics.Add("mel", melValue);
        metrics.Add("convergence", terms.Convergence.item<float>());
        metrics.Add("log_magnitude", terms.LogMagnitude.item<float>());
        metrics.Add("kl", kl.item<float>());
        metrics.Add("grad_norm", norm);
        timer?.Lap("metrics");
        return (adversarial, melValue, lossValue);
    }

    /// <summary>Mean |log f̂0 − log f0| over voiced hops (0 when none is voiced).</summary>
    internal static Tensor PitchLoss(Tensor logF0, Tensor f0Target, Tensor voiced)
    {
        var mask = voiced.to(logF0.dtype);                                                   // (B, F)
        var error = (logF0 - f0Target.clamp_min(1).log()).abs() * mask;
        return error.sum() / mask.sum().clamp_min(1);
    }

    /// <summary>One step as Run takes it, without logging or checkpoints (for CodecTrainingBenchmark).</summary>
    internal void BenchmarkStep(StepTimer? timer)
    {
        TrainStep(new StepMetrics(), timer);
        _step++;
        timer?.Lap("step_end");
    }

    /// <summary>Counts a step taken with TrainStep directly (tests).</summary>
    internal void AdvanceStepForTests() => _step++;

    private static double ClipGradients(AdamWOptimizer optimizer, double maxNorm)
    {
        var withGrad = optimizer.Parameters.Where(p => p.grad is not null).ToList();
        return withGrad.Count == 0 ? 0 : torch.nn.utils.clip_grad_norm_(withGrad, maxNorm);
    }

    private static void SetTrainable(nn.Module module, bool trainable)
    {
        foreach (var p in module.parameters()) p.requires_grad = trainable;
    }

    /// <summary>Mean multi-resolution log-mel L1 of resynthesised held-out audio, or null without validation files.</summary>
    public double? ValidationMelDistance()
    {
        var clips = _data.Validation;
        if (clips.Count == 0) return null;
        int frame = _recipe.Codec.FrameLength;
        long limit = (long)(_options.ValidationSeconds * _recipe.Codec.SampleRate);
        _codec.eval();
        try
        {
            using var _ = torch.no_grad();
            double sum = 0, f0Sum = 0;
            int count = 0;
            foreach (var clip in clips)
            {
                long n = Math.Min(clip.Samples.Length, limit) / frame * frame;
                if (n == 0) continue;
                using var scope = torch.NewDisposeScope();
                var x = torch.tensor(clip.Samples.AsSpan(0, (int)n).ToArray(), [1, n]).to(_device);
                using var state = _codec.Vocoder.CreateState(1);
                var (y, logF0) = _codec.Vocoder.StepWithPitch(_codec.Encode(x), state);
                sum += _spectral.MelDistance(y, x).item<float>();
                if (logF0 is not null)
                {
                    var (f0, voiced) = PitchTargets.Estimate(x, _recipe.Codec.SampleRate, (int)_codec.Vocoder.Hop);
                    f0Sum += PitchLoss(logF0, f0, voiced).item<float>();
                }
                count++;
            }
            _lastValidationF0 = count > 0 && _codec.Vocoder.PredictsPitch ? f0Sum / count : null;
            return count == 0 ? null : sum / count;
        }
        finally
        {
            _codec.train();
        }
    }

    private void RecordValidation(Action<CodecTrainingProgress>? progress, Stopwatch clock)
    {
        using (GcPause.Start()) _lastValidation = ValidationMelDistance();
        if (_lastValidation is not { } value) return;
        var row = new Dictionary<string, double> { ["step"] = _step, ["seconds"] = Elapsed(clock), ["val_mel"] = value };
        if (_lastValidationF0 is { } f0) row["val_f0"] = f0;
        _metrics.Append(row);
        progress?.Invoke(Event(_step, _options.Steps, $"validation mel L1 {value:0.0000}") with { ValidationMel = value });
        TryPlot(progress);
    }

    private void TryPlot(Action<CodecTrainingProgress>? progress)
    {
        try
        {
            MetricsPlot.Write(Path.Combine(_options.OutputDirectory, MetricsPlot.FileName),
                _metrics.ReadAll().Cast<IReadOnlyDictionary<string, double>>().ToList());
        }
        catch (Exception e) when (e is IOException or TypeInitializationException or DllNotFoundException or InvalidOperationException)
        {
            // The plot is a convenience: metrics.csv holds the data. Say why, keep training.
            progress?.Invoke(Event(_step, _options.Steps, $"warning: metrics plot not written ({e.Message.Split('\n')[0]})"));
        }
    }

    private double Elapsed(Stopwatch clock) => _elapsedBefore + clock.Elapsed.TotalSeconds;

    private string Save(Stopwatch clock)
    {
        var state = new TrainerState
        {
            Step = _step,
            ElapsedSeconds = Elapsed(clock),
            DataRngState = _random.State,
            StepsPerEpoch = _stepsPerEpoch,
            GeneratorOptimizerSteps = _generatorOptimizer.Steps,
            DiscriminatorOptimizerSteps = _discriminatorOptimizer.Steps,
            TrainingFiles = _data.Training.Count,
            TrainingSamples = _data.TrainingSamples,
            Recipe = _recipe,
        };
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["step"] = _step.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        return _store.Save(_step, (folder, written) =>
        {
            _codec.Save(folder);
            written(Path.Combine(folder, Michi.Model.Checkpoints.Checkpoint.SingleFileName));
            SafetensorsWriter.Write(Path.Combine(folder, CheckpointStore.DiscriminatorFileName), _discriminator.state_dict(), metadata);
            written(Path.Combine(folder, CheckpointStore.DiscriminatorFileName));
            using var rng = _noise.get_state();
            var tensors = _generatorOptimizer.StateTensors("generator.");
            foreach (var (k, v) in _discriminatorOptimizer.StateTensors("discriminator.")) tensors[k] = v;
            tensors[RngTensorName] = rng;
            SafetensorsWriter.Write(Path.Combine(folder, CheckpointStore.OptimizerFileName), tensors, metadata);
            written(Path.Combine(folder, CheckpointStore.OptimizerFileName));
            AtomicFile.WriteAllText(Path.Combine(folder, TrainerState.FileName), state.ToJson());
            written(Path.Combine(folder, TrainerState.FileName));
        }, _options.KeepCheckpoints);
    }

    private static CodecTrainingProgress Event(long step, long total, string message) =>
        new(step, total, false, double.NaN, double.NaN, double.NaN, null, message);

    public void Dispose()
    {
        _generatorOptimizer.Dispose();
        _discriminatorOptimizer.Dispose();
        _spectral.Dispose();
        _codec.Dispose();
        _discriminator.Dispose();
        _noise.Dispose();
    }
}
