// `michi bench ttfa`: time to first audio of forced-text speech for a 20-token prompt, the
// per-frame step (backbone + text head + speak head + vocoder) and the real-time factor
// (Michi.Runtime.Speech.SpeechLatencyBenchmark says what is timed). The model is a directory
// (--model, default models/demo) or a preset with random weights (--preset tiny|paper; the
// codec preset follows unless --codec says otherwise). One thread by default (--threads): this
// machine is shared, and one thread is the figure that does not depend on the neighbours.
// With --threads ≥ 2 frames are pipelined (SpeechGenerator: the vocoder step overlaps the next
// frame's parts; the frame step is the interval between chunks); --threads 1 runs frame after
// frame on one core, so that figure still does not depend on a second core being free. --flow-steps overrides the model's Euler steps.
// Random weights may make no audible audio: unless every run had an audible chunk, ttfa_ms is
// the time to the first chunk of any level, and ttfa_basis ("first_chunk") and note say so.
using System.CommandLine;
using System.Diagnostics;
using Michi.Cli.Infrastructure;
using Michi.Model.Codec;
using Michi.Model.Speech;
using Michi.Runtime.Speech;
using TorchSharp;

namespace Michi.Cli.Commands;

public static class BenchTtfaCommand
{
    private const string PromptSentence =
        "The quick brown fox jumps over the lazy dog, while the patient farmer counts his sheep in the early morning light near the river.";

    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = $"Speech model directory (default {SpeechCli.DefaultModel} unless --preset)." };
        var preset = new Option<string?>("--preset") { Description = "Random weights of this size instead of a model directory." };
        preset.AcceptOnlyFromAmong([.. SpeechLmConfig.PresetNames]);
        var codec = new Option<string?>("--codec") { Description = "Codec preset with --preset (default: the same name as --preset)." };
        codec.AcceptOnlyFromAmong([.. CodecConfig.PresetNames]);
        var dtype = CommonOptions.DType();
        var threads = new Option<int>("--threads") { Description = "LibTorch and kernel threads.", DefaultValueFactory = _ => 1 };
        threads.InRange(1, 1024);
        var runs = new Option<int>("--runs") { Description = "Timed runs (medians are reported).", DefaultValueFactory = _ => 20 };
        runs.InRange(1, 10_000);
        var warmup = new Option<int>("--warmup") { Description = "Untimed runs first.", DefaultValueFactory = _ => 2 };
        warmup.InRange(0, 1000);
        var frames = new Option<int>("--frames") { Description = "Frames generated per run.", DefaultValueFactory = _ => 12 };
        frames.InRange(2, 10_000);
        var promptTokens = new Option<int>("--prompt-tokens") { Description = "Prompt length in tokens.", DefaultValueFactory = _ => 20 };
        promptTokens.InRange(1, 1000);
        var seed = new Option<int>("--seed") { Description = "Seed of the random weights, prompt and sampling.", DefaultValueFactory = _ => 1 };
        var flowSteps = new Option<int>("--flow-steps") { Description = "Euler steps of the speak head (0 = the model's flow_steps).", DefaultValueFactory = _ => 0 };
        flowSteps.InRange(0, 1000);
        var libtorchStep = new Option<bool>("--libtorch-step") { Description = "Run frame backbone passes through LibTorch instead of the matrix-vector kernels (comparison)." };
        var moduleSpeakHead = new Option<bool>("--module-speak-head") { Description = "Sample latents with SpeakHead.Sample instead of the batched sampler (comparison)." };
        var json = CommonOptions.Json();
        var command = new Command("ttfa", "Time to first audio, frame step time and real-time factor of speech generation.")
        {
            model, preset, codec, dtype, threads, runs, warmup, frames, promptTokens, seed, flowSteps, libtorchStep, moduleSpeakHead, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            string? presetName = parse.GetValue(preset), modelDir = parse.GetValue(model), dtypeName = parse.GetValue(dtype)!;
            if (presetName is not null && modelDir is not null) throw new InvalidInputException("give --model or --preset, not both");
            if (parse.GetValue(codec) is not null && presetName is null) throw new InvalidInputException("--codec goes with --preset");
            int threadCount = parse.GetValue(threads), seedValue = parse.GetValue(seed), promptLength = parse.GetValue(promptTokens);

            var modelOptions = new SpeechModelOptions { FastDecode = !parse.GetValue(libtorchStep), BatchedSpeakHead = !parse.GetValue(moduleSpeakHead) };
            var clock = Stopwatch.StartNew();
            SpeechModel speech;
            string source;
            if (presetName is not null)
            {
                var options = SpeechCli.ModelOptions(threadCount, modelOptions);
                torch.manual_seed(seedValue);
                var lm = SpeechLm.Create(SpeechLmConfig.Preset(presetName)!, CommonOptions.ToScalarType(dtypeName));
                var codecModel = new AudioCodec(CodecConfig.Preset(parse.GetValue(codec) ?? presetName)!);
                speech = new SpeechModel(lm, codecModel, options: options, ownsParts: true);
                source = $"preset {presetName} (random weights), codec {parse.GetValue(codec) ?? presetName}";
            }
            else
            {
                speech = await SpeechCli.LoadAsync(modelDir ?? SpeechCli.DefaultModel, dtypeName, threadCount, ct, modelOptions,
                    missingHint: "pass --model, or --preset paper|tiny for random weights");
                source = modelDir ?? SpeechCli.DefaultModel;
            }
            using (speech)
            {
                double initSeconds = clock.Elapsed.TotalSeconds;
                int[] prompt = Prompt(speech, promptLength, seedValue);
                var benchOptions = new SpeechLatencyOptions
                {
                    Runs = parse.GetValue(runs), WarmupRuns = parse.GetValue(warmup), FramesPerRun = parse.GetValue(frames), Seed = seedValue,
                    Speech = new SpeechOptions { ContinueSeconds = 3600, FlowSteps = parse.GetValue(flowSteps) is > 0 and var k ? k : null, OverlapVocoder = threadCount > 1 },
                };
                var r = await SpeechLatencyBenchmark.RunAsync(new SpeechGenerator(speech, speech.Tokenizer), prompt, benchOptions, ct);
                long parameters = speech.Lm.ParameterCount + speech.Codec.ParameterCount;
                Write(parse.InvocationConfiguration.Output, parse.GetValue(json), r, source, parameters, dtypeName, threadCount,
                    speech.UsesFastDecode, modelOptions.BatchedSpeakHead, parse.GetValue(flowSteps) is > 0 and var steps ? steps : speech.Info.FlowSteps, initSeconds);
            }
            return CliRunner.ExitOk;
        });
        return command;
    }

    // The sentence's first tokens when the model has a tokenizer (repeated if short), else random text ids.
    private static int[] Prompt(SpeechModel speech, int length, int seed)
    {
        if (speech.Tokenizer is { } tokenizer)
        {
            int[] ids = tokenizer.Encode(PromptSentence);
            return Enumerable.Range(0, length).Select(i => ids[i % ids.Length]).ToArray();
        }
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => random.Next(speech.Info.PadId)).ToArray();
    }

    private static void Write(TextWriter output, bool json, SpeechLatencyResult r, string source, long parameters, string dtype, int threads,
        bool fast, bool batchedSpeakHead, int flowSteps, double initSeconds)
    {
        bool audible = r.FirstAudibleMs is not null;
        double ttfa = r.FirstAudibleMs ?? r.FirstChunkMs;
        string basis = audible ? "first_audible_chunk" : "first_chunk";
        string note = audible
            ? $"time from request to the first 80 ms chunk above {r.AudibleDbfs} dBFS RMS"
            : $"only {r.AudibleRuns} of {r.Runs} runs made a chunk above {r.AudibleDbfs} dBFS RMS within {r.FramesPerRun} frames (loudest {r.LoudestDbfs:0.0} dBFS: random weights), so ttfa_ms is the time to the first chunk of any level";
        if (json)
        {
            JsonOutput.Write(output, new
            {
                model = source, parameters, dtype, threads, fast_decode = fast, batched_speak_head = batchedSpeakHead, flow_steps = flowSteps, overlap_vocoder = threads > 1, prompt_tokens = r.PromptTokens, runs = r.Runs,
                frames_per_run = r.FramesPerRun, init_s = Math.Round(initSeconds, 2),
                ttfa_ms = Math.Round(ttfa, 2), ttfa_basis = basis,
                first_audible_ms = r.FirstAudibleMs is { } a ? Math.Round(a, 2) : (double?)null, audible_runs = r.AudibleRuns,
                first_chunk_ms = Math.Round(r.FirstChunkMs, 2), audible_threshold_dbfs = r.AudibleDbfs, loudest_chunk_dbfs = Math.Round(r.LoudestDbfs, 1),
                step_ms = Math.Round(r.Step.TotalMs, 2), backbone_ms = Math.Round(r.Step.BackboneMs, 2), text_head_ms = Math.Round(r.Step.TextHeadMs, 2),
                speak_head_ms = Math.Round(r.Step.SpeakHeadMs, 2), vocoder_ms = Math.Round(r.Step.VocoderMs, 2),
                step_samples = r.StepSamples, rtf = Math.Round(r.Rtf, 3), cpu_ms_per_frame = Math.Round(r.CpuMsPerFrame, 2), note,
            });
            return;
        }
        output.WriteLine($"model:       {source}, {parameters / 1e6:F1}M parameters, {dtype}, built/loaded in {initSeconds:F1} s");
        output.WriteLine($"threads:     {threads} (LibTorch and kernels){(fast ? ", kernel frame step" : ", LibTorch frame step")}{(batchedSpeakHead ? ", batched speak head" : ", module speak head")}, {flowSteps} Euler steps{(threads > 1 ? ", vocoder overlapping the next frame" : "")}");
        output.WriteLine($"runs:        {r.Runs} timed, {r.FramesPerRun} frames each, {r.PromptTokens}-token prompt");
        output.WriteLine(audible
            ? $"TTFA:        {ttfa:F1} ms to the first audible chunk (> {r.AudibleDbfs} dBFS; first chunk {r.FirstChunkMs:F1} ms)"
            : $"TTFA:        {ttfa:F1} ms to the FIRST CHUNK of any level: only {r.AudibleRuns}/{r.Runs} runs made an audible one (> {r.AudibleDbfs} dBFS), loudest {r.LoudestDbfs:F1} dBFS");
        output.WriteLine($"frame step:  {r.Step.TotalMs:F2} ms median = backbone {r.Step.BackboneMs:F2} + text head {r.Step.TextHeadMs:F2} + speak head {r.Step.SpeakHeadMs:F2} + vocoder {r.Step.VocoderMs:F2} (medians of {r.StepSamples} frames)");
        output.WriteLine($"RTF:         {r.Rtf:F3} ({r.FrameMs:0} ms frames)");
        output.WriteLine($"CPU:         {r.CpuMsPerFrame:F2} ms of process CPU time per generated frame (prefill included; less sensitive to other load)");
    }
}
