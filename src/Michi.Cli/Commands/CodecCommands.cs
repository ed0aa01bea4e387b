// `michi codec train|encode|decode|resynth|bench`: the audio codec (listen encoder + vocoder).
// train runs Michi.Training.CodecTrainer (resumable with --resume; Ctrl-C writes a checkpoint
// first); encode/decode/resynth go through Michi.Training.Inference.CodecFiles, streaming, any
// input rate or channel count converted at the edge; --model takes a codec model directory or
// a training output folder (its latest checkpoint). bench times one streamed 80 ms frame
// (Michi.Model.Codec.CodecBenchmark; with --train, the parts of a training step instead:
// CodecTrainBench); it lives here as `codec bench` rather than under
// `michi bench` so the two command files have one owner each.
using System.CommandLine;
using Michi.Audio;
using Michi.Cli.Infrastructure;
using Michi.Model.Codec;
using Michi.Training;
using Michi.Training.Discriminators;
using Michi.Training.Inference;

namespace Michi.Cli.Commands;

public static class CodecCommands
{
    public static Command Create()
    {
        var codec = new Command("codec", "Train and run the audio codec (24 kHz audio ⇄ 12.5 Hz latents).");
        codec.Subcommands.Add(CreateTrain());
        codec.Subcommands.Add(CreateEncode());
        codec.Subcommands.Add(CreateDecode());
        codec.Subcommands.Add(CreateResynth());
        codec.Subcommands.Add(CreateBench());
        return codec;
    }

    static Option<string> Preset(string description, bool required = false)
    {
        var option = new Option<string>("--preset") { Description = description, Required = required };
        option.AcceptOnlyFromAmong([.. CodecConfig.PresetNames]);
        return option;
    }

    static Command CreateTrain()
    {
        var data = new Option<string>("--data") { Description = "Folder of WAV files (searched recursively; any rate, converted to 24 kHz mono).", Required = true };
        var output = new Option<string>("--out") { Description = "Output folder: checkpoints/, metrics.csv, metrics.png.", Required = true };
        var preset = Preset("Codec size: tiny (tests), small (this CPU), paper (GPU). Default small; taken from the checkpoint with --resume.");
        var steps = new Option<long>("--steps") { Description = "Total training steps (a resumed run continues up to this step).", DefaultValueFactory = _ => 10_000 };
        steps.InRange(0L, 100_000_000L);
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out from its latest checkpoint (same result as never stopping)." };
        var batch = new Option<int?>("--batch") { Description = "Crops per step (default 8)." };
        var seed = new Option<int?>("--seed") { Description = "Random seed (default 0)." };
        var crop = new Option<double?>("--crop-seconds") { Description = "Crop length, rounded up to whole 80 ms frames (default 1)." };
        var lr = new Option<double?>("--lr") { Description = "AdamW learning rate (default 2e-4)." };
        var adversarialStart = new Option<int?>("--adversarial-start") { Description = "Step at which the discriminators come on (default 4000)." };
        var codecConfig = new Option<string?>("--config")
        {
            Description = "Codec config.json to train instead of a preset (architecture experiments; e.g. a preset's config with another iSTFT size).",
        };
        var initEncoder = new Option<string?>("--init-encoder")
        {
            Description = "Codec model folder whose listen encoder starts this run (same encoder config), e.g. a checkpoint of an earlier run with another vocoder.",
        };
        var initCodec = new Option<string?>("--init-codec")
        {
            Description = "Codec model folder (same config) whose encoder and vocoder start this run; with --freeze-encoder, keeps improving a vocoder on a fixed latent space.",
        };
        var freezeEncoder = new Option<bool>("--freeze-encoder")
        {
            Description = "Train the vocoder only (with --init-codec or --init-encoder): latents a speech model was trained on stay valid.",
        };
        var discriminator = new Option<string?>("--discriminator") { Description = "Discriminator size: light (default; tiny for the tiny preset) or paper." };
        discriminator.AcceptOnlyFromAmong("tiny", "light", "paper");
        var resetDiscriminator = new Option<bool>("--reset-discriminator")
        {
            Description = "With --resume: start the discriminators afresh (from --discriminator, or the saved config), keeping the codec and its optimiser. For switching a long run's adversary.",
        };
        var validationFiles = new Option<int?>("--validation-files") { Description = "Files held out for validation (default 4)." };
        var logEvery = new Option<int>("--log-every") { Description = "Steps per metrics.csv row.", DefaultValueFactory = _ => 10 };
        var validateEvery = new Option<int>("--validate-every") { Description = "Steps between validations.", DefaultValueFactory = _ => 500 };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Steps between checkpoints.", DefaultValueFactory = _ => 500 };
        var keep = new Option<int>("--keep") { Description = "Checkpoints kept on disk.", DefaultValueFactory = _ => 3 };
        var threads = new Option<int>("--threads")
        {
            Description = "LibTorch intra-op threads. 1 by default: on this shared 2-core machine 2 threads made a step up to 10× slower whenever other work ran (OpenMP threads spin-waiting for a busy core), 1 thread degrades gracefully.",
            DefaultValueFactory = _ => 1,
        };
        foreach (var o in new[] { logEvery, validateEvery, checkpointEvery, keep }) o.InRange(1, 100_000_000);
        InRange(batch, 1, 4096);
        threads.InRange(1, 1024);
        InRange(validationFiles, 0, 100_000);
        InRange(adversarialStart, 0, int.MaxValue);
        InRange(crop, 0.01, 60);
        InRange(lr, 1e-9, 1);
        var json = CommonOptions.Json();
        var command = new Command("train", "Train the codec on a folder of WAVs (seeded, resumable, metrics to CSV and PNG).")
        {
            data, output, preset, codecConfig, initEncoder, initCodec, freezeEncoder, steps, resume, batch, seed, crop, lr, adversarialStart, discriminator, resetDiscriminator, validationFiles,
            logEvery, validateEvery, checkpointEvery, keep, threads, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            string outDir = parse.GetValue(output)!;
            bool resuming = parse.GetValue(resume);
            var recipe = resuming
                ? CodecTrainer.ReadSavedRecipe(outDir) ?? throw InvalidInputException.ForFile(outDir, "no checkpoint to resume from (train without --resume first)")
                : new CodecTrainingRecipe();
            if (parse.GetValue(preset) is { } p) recipe = recipe with { Codec = CodecConfig.Preset(p)! };
            if (parse.GetValue(codecConfig) is { } file)
            {
                if (parse.GetValue(preset) is not null) throw new InvalidInputException("give --preset or --config, not both");
                recipe = recipe with { Codec = CodecConfig.Load(file) };
            }
            if (!resuming && parse.GetValue(discriminator) is null && parse.GetValue(preset) == "tiny")
                recipe = recipe with { Discriminator = DiscriminatorConfig.Tiny };
            if (parse.GetValue(discriminator) is { } d) recipe = recipe with { Discriminator = DiscriminatorConfig.Preset(d)! };
            if (parse.GetValue(batch) is { } b) recipe = recipe with { BatchSize = b };
            if (parse.GetValue(seed) is { } s) recipe = recipe with { Seed = s };
            if (parse.GetValue(crop) is { } c) recipe = recipe with { CropSeconds = c };
            if (parse.GetValue(lr) is { } l) recipe = recipe with { LearningRate = l };
            if (parse.GetValue(adversarialStart) is { } a) recipe = recipe with { AdversarialStartStep = a };
            if (parse.GetValue(validationFiles) is { } v) recipe = recipe with { ValidationFiles = v };
            if (parse.GetValue(initEncoder) is not null || parse.GetValue(initCodec) is not null || parse.GetValue(freezeEncoder))
            {
                if (resuming) throw new InvalidInputException("--init-encoder, --init-codec and --freeze-encoder start a new run; they cannot be combined with --resume");
                recipe = recipe with
                {
                    InitEncoder = parse.GetValue(initEncoder), InitCodec = parse.GetValue(initCodec), FreezeEncoder = parse.GetValue(freezeEncoder),
                };
                if (recipe.InitCodec is { } from && parse.GetValue(preset) is null && parse.GetValue(codecConfig) is null)
                    recipe = recipe with { Codec = CodecConfig.Load(from) };   // the config of the codec it continues
            }
            var options = new CodecTrainingOptions
            {
                DataDirectory = parse.GetValue(data)!, OutputDirectory = outDir, Recipe = recipe, Steps = parse.GetValue(steps),
                Resume = resuming, ResetDiscriminator = parse.GetValue(resetDiscriminator), LogEvery = parse.GetValue(logEvery), ValidateEvery = parse.GetValue(validateEvery),
                CheckpointEvery = parse.GetValue(checkpointEvery), KeepCheckpoints = parse.GetValue(keep),
            };
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error ?? Console.Error;
            int previousThreads = TorchSharp.torch.get_num_threads();
            TorchSharp.torch.set_num_threads(parse.GetValue(threads));
            CodecTrainingResult result;
            try
            {
                result = await ProgressReporter.RunAsync("codec train", options.Steps, report => Task.Run(() =>
                    CodecTrainer.Train(options, progress =>
                    {
                        if (progress.Message is { } message && (message.StartsWith("data:", StringComparison.Ordinal)
                            || message.StartsWith("resumed", StringComparison.Ordinal) || message.StartsWith("warning", StringComparison.Ordinal)))
                            stderr.WriteLine($"codec train: {message}");
                        report(progress.Step, Note(progress));
                    }, ct), ct), plainOutput: Console.IsErrorRedirected ? stderr : null);
            }
            finally
            {
                TorchSharp.torch.set_num_threads(previousThreads);   // in-process callers (tests) keep their setting
            }

            if (parse.GetValue(json))
                JsonOutput.Write(stdout, new
                {
                    step = result.Step, checkpoint = result.CheckpointDirectory, val_mel = result.ValidationMel,
                    elapsed_s = result.ElapsedSeconds, steps_per_s = result.StepsPerSecond,
                });
            else
            {
                stdout.WriteLine($"step:        {result.Step}");
                stdout.WriteLine($"checkpoint:  {result.CheckpointDirectory}");
                stdout.WriteLine($"val mel L1:  {(result.ValidationMel is { } m ? m.ToString("0.0000") : "n/a (no validation files)")}");
                stdout.WriteLine($"time:        {result.ElapsedSeconds:0.0} s in total, {result.StepsPerSecond:0.00} steps/s lately");
            }
            return CliRunner.ExitOk;
        });
        return command;
    }

    /// <summary>OptionRules.InRange for an optional value (absent = not given, no check).</summary>
    static void InRange<T>(Option<T?> option, T min, T max) where T : struct, System.Numerics.INumber<T>
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 0) return;
            if (!T.TryParse(result.Tokens[^1].Value, System.Globalization.CultureInfo.InvariantCulture, out var value)) return;
            if (value < min || value > max) result.AddError($"{option.Name} must be between {min} and {max} (got {value})");
        });
    }

    static string Note(CodecTrainingProgress p)
    {
        if (p.Message is { } message) return message;
        string phase = p.Adversarial ? "gan" : "spectral";
        string validation = p.ValidationMel is { } v ? $" val {v:0.000}" : "";
        return $"{phase} mel {p.Mel:0.000}{validation} {p.StepsPerSecond:0.00} steps/s";
    }

    static Option<string> Model() =>
        CommonOptions.ModelDir("Codec model directory (config.json + model.safetensors) or a `codec train` output folder.");

    static Command CreateEncode()
    {
        var input = new Argument<string>("IN") { Description = "Input WAV (any rate and channel count)." };
        var output = new Argument<string>("OUT") { Description = "Output latents (.safetensors, tensor \"latents\" (frames, latent_dim))." };
        var model = Model();
        var command = new Command("encode", "Encode audio into latents, one per 80 ms frame.") { input, output, model };
        command.SetAction((parse, ct) =>
        {
            string inPath = parse.GetValue(input)!, outPath = parse.GetValue(output)!;
            using var codec = CodecFiles.LoadModel(parse.GetValue(model)!);
            float[] samples = CodecFiles.ReadAudio(inPath, codec.Config.SampleRate);
            using var latents = CodecFiles.Encode(codec, samples, ct);
            CodecFiles.WriteLatents(outPath, latents, codec.Config, samples.Length);
            parse.InvocationConfiguration.Output.WriteLine(
                $"{outPath}: {latents.shape[0]} frames × {latents.shape[1]} (from {samples.Length / (double)codec.Config.SampleRate:0.###} s)");
            return Task.FromResult(CliRunner.ExitOk);
        });
        return command;
    }

    static Command CreateDecode()
    {
        var input = new Argument<string>("IN") { Description = "Latents file written by `codec encode` (or any safetensors with \"latents\")." };
        var output = new Argument<string>("OUT") { Description = "Output WAV (mono, the codec's rate; written atomically)." };
        var model = Model();
        var command = new Command("decode", "Decode latents into audio.") { input, output, model };
        command.SetAction((parse, ct) =>
        {
            string inPath = parse.GetValue(input)!, outPath = parse.GetValue(output)!;
            using var codec = CodecFiles.LoadModel(parse.GetValue(model)!);
            var (latents, length) = CodecFiles.ReadLatents(inPath);
            using (latents)
            {
                float[] samples = CodecFiles.Trim(CodecFiles.Decode(codec, latents, inPath, ct), length);
                WavFile.Write(outPath, samples, codec.Config.SampleRate);
                parse.InvocationConfiguration.Output.WriteLine($"{outPath}: {samples.Length / (double)codec.Config.SampleRate:0.###} s");
            }
            return Task.FromResult(CliRunner.ExitOk);
        });
        return command;
    }

    static Command CreateResynth()
    {
        var input = new Argument<string>("IN") { Description = "Input WAV (any rate and channel count)." };
        var output = new Argument<string>("OUT") { Description = "Output WAV (mono, the codec's rate; written atomically)." };
        var model = Model();
        var branch = new Option<string>("--branch")
        {
            Description = "Harmonic-head vocoders: render both branches (default), only the harmonic (oscillator) one, or only the aperiodic (iSTFT noise) one — a diagnostic.",
            DefaultValueFactory = _ => "both",
        };
        branch.AcceptOnlyFromAmong("both", "harmonic", "aperiodic");
        var command = new Command("resynth", "Encode then decode: hear what the codec keeps.") { input, output, model, branch };
        command.SetAction((parse, ct) =>
        {
            string inPath = parse.GetValue(input)!, outPath = parse.GetValue(output)!;
            if (Path.GetFullPath(inPath) == Path.GetFullPath(outPath))
                throw new InvalidInputException($"{outPath}: output must differ from the input");
            using var codec = CodecFiles.LoadModel(parse.GetValue(model)!);
            string only = parse.GetValue(branch)!;
            if (only != "both")
            {
                if (codec.Vocoder.Harmonic is not { } head)
                    throw new InvalidInputException($"--branch {only}: this codec's vocoder has no harmonic head (only harmonic-head vocoders have branches)");
                head.Branches = only == "harmonic" ? HarmonicBranches.Harmonic : HarmonicBranches.Aperiodic;
            }
            float[] samples = CodecFiles.ReadAudio(inPath, codec.Config.SampleRate);
            using var latents = CodecFiles.Encode(codec, samples, ct);
            float[] resynthesised = CodecFiles.Trim(CodecFiles.Decode(codec, latents, inPath, ct), samples.Length);
            WavFile.Write(outPath, resynthesised, codec.Config.SampleRate);
            parse.InvocationConfiguration.Output.WriteLine($"{outPath}: {resynthesised.Length / (double)codec.Config.SampleRate:0.###} s through {latents.shape[0]} latents");
            return Task.FromResult(CliRunner.ExitOk);
        });
        return command;
    }

    static Command CreateBench()
    {
        var preset = Preset("Codec size.", required: true);
        var frames = new Option<int>("--frames") { Description = "Timed 80 ms frames (median reported).", DefaultValueFactory = _ => 100 };
        frames.InRange(1, 100_000);
        var threads = new Option<int>("--threads") { Description = "LibTorch threads during the measurement.", DefaultValueFactory = _ => 1 };
        threads.InRange(1, 1024);
        var json = CommonOptions.Json();
        var train = new Option<bool>("--train") { Description = "Instead: time the parts of a training step (light discriminators; CodecTrainingBenchmark)." };
        var steps = new Option<int>("--steps") { Description = "With --train: timed steps per phase (median reported).", DefaultValueFactory = _ => 10 };
        steps.InRange(1, 10_000);
        var command = new Command("bench", "Per-frame streaming step time of the encoder and vocoder (random weights).") { preset, frames, threads, json, train, steps };
        command.SetAction(parse =>
        {
            string name = parse.GetValue(preset)!;
            if (parse.GetValue(train)) return CodecTrainBench.Run(parse, name, parse.GetValue(steps), parse.GetValue(threads), parse.GetValue(json));
            var r = CodecBenchmark.Run(CodecConfig.Preset(name)!, parse.GetValue(frames), threads: parse.GetValue(threads));
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
                JsonOutput.Write(output, new
                {
                    preset = name, encoder_ms = r.EncoderMedianMs, vocoder_ms = r.VocoderMedianMs,
                    encoder_mean_ms = r.EncoderMeanMs, vocoder_mean_ms = r.VocoderMeanMs,
                    encoder_cpu_ms = r.EncoderCpuMs, vocoder_cpu_ms = r.VocoderCpuMs,
                    frame_ms = r.FrameMs, frames = r.Frames, threads = r.Threads,
                    encoder_parameters = r.EncoderParameters, vocoder_parameters = r.VocoderParameters,
                    real_time_factor = (r.EncoderMedianMs + r.VocoderMedianMs) / r.FrameMs,
                });
            else
            {
                output.WriteLine($"preset:   {name} ({r.EncoderParameters:N0} encoder + {r.VocoderParameters:N0} vocoder parameters)");
                output.WriteLine($"encoder:  {r.EncoderMedianMs:0.000} ms per {r.FrameMs:0} ms frame (median; mean {r.EncoderMeanMs:0.000})");
                output.WriteLine($"vocoder:  {r.VocoderMedianMs:0.000} ms per frame (median; mean {r.VocoderMeanMs:0.000})");
                output.WriteLine($"threads:  {r.Threads}, {r.Frames} frames; real-time factor {(r.EncoderMedianMs + r.VocoderMedianMs) / r.FrameMs:0.000}");
            }
            return CliRunner.ExitOk;
        });
        return command;
    }
}
