// `michi bench backbone`: decode speed of the text backbone with random weights against this
// machine's memory-bandwidth floor (see Michi.Model.Kernels.BackboneBenchmark for what is
// timed and how). A benchmark, not a test: numbers depend on the machine and its load.
using System.CommandLine;
using System.Diagnostics;
using Michi.Cli.Infrastructure;
using Michi.Model.Backbone;
using Michi.Model.Kernels;
using TorchSharp;

namespace Michi.Cli.Commands;

public static class BenchCommands
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure speed on this machine.");
        bench.Subcommands.Add(CreateBackbone());
        bench.Subcommands.Add(BenchTtfaCommand.Create());
        return bench;
    }

    static Command CreateBackbone()
    {
        var preset = new Option<string>("--preset") { Description = "Model shape.", Required = true };
        preset.AcceptOnlyFromAmong([.. LlamaConfig.PresetNames]);
        var dtype = CommonOptions.DType();
        var steps = new Option<int>("--steps") { Description = "Timed decode steps (the median is reported).", DefaultValueFactory = _ => 32 };
        steps.InRange(20, 4096);
        var naiveSteps = new Option<int>("--naive-steps") { Description = "Decode steps through the plain LibTorch forward, for comparison (0 skips).", DefaultValueFactory = _ => 20 };
        naiveSteps.InRange(0, 4096);
        var prompt = new Option<int>("--prompt") { Description = "Prompt tokens to prefill.", DefaultValueFactory = _ => 64 };
        prompt.InRange(1, 4096);
        var seed = new Option<int>("--seed") { Description = "Seed of the random weights and prompt.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "Threads of the decode step (default: one per core).", DefaultValueFactory = _ => Environment.ProcessorCount };
        threads.InRange(1, 256);
        var json = CommonOptions.Json();
        var command = new Command("backbone",
            "Prefill and decode-step time of a Llama backbone with random weights, and the ratio to the memory-bandwidth floor.")
            { preset, dtype, steps, naiveSteps, prompt, seed, threads, json };
        command.SetAction(parse =>
        {
            string presetName = parse.GetValue(preset)!, dtypeName = parse.GetValue(dtype)!;
            var config = LlamaConfig.Preset(presetName)!;
            var options = new BackboneBenchmarkOptions
            {
                DecodeSteps = parse.GetValue(steps), NaiveSteps = parse.GetValue(naiveSteps),
                PromptTokens = parse.GetValue(prompt), Seed = parse.GetValue(seed),
            };
            int needed = options.PromptTokens + options.WarmupSteps + Math.Max(options.DecodeSteps, options.NaiveSteps);
            if (needed > config.MaxPositionEmbeddings)
                throw new InvalidInputException($"--prompt + --steps need {needed} positions; {presetName} has {config.MaxPositionEmbeddings}");

            var clock = Stopwatch.StartNew();
            torch.manual_seed(options.Seed);
            using var model = new LlamaForCausalLM(config, CommonOptions.ToScalarType(dtypeName));   // default (random) init
            model.eval();
            double initSeconds = clock.Elapsed.TotalSeconds;
            int threadCount = parse.GetValue(threads);
            using var pool = threadCount == ComputePool.Shared.Threads ? null : new ComputePool(threadCount);
            var r = BackboneBenchmark.Run(model, options, pool);

            var output = parse.InvocationConfiguration.Output;
            double? naive = double.IsNaN(r.NaiveDecodeMs) ? null : Math.Round(r.NaiveDecodeMs, 3);
            if (parse.GetValue(json))
                JsonOutput.Write(output, new
                {
                    preset = presetName,
                    dtype = dtypeName,
                    threads = r.Threads,
                    parameters = r.Parameters,
                    weight_bytes_per_step = r.WeightBytesPerStep,
                    prompt_tokens = r.PromptTokens,
                    decode_steps = r.DecodeSteps,
                    prefill_ms = Math.Round(r.PrefillMs, 3),
                    decode_ms = Math.Round(r.DecodeMs, 3),
                    decode_min_ms = Math.Round(r.DecodeMinMs, 3),
                    tokens_per_s = Math.Round(r.TokensPerSecond, 2),
                    floor_ms = Math.Round(r.FloorMs, 3),
                    floor_min_ms = Math.Round(r.FloorMinMs, 3),
                    bandwidth_gb_s = Math.Round(r.BandwidthGBps, 2),
                    ratio = Math.Round(r.Ratio, 3),
                    best_ratio = Math.Round(r.BestRatio, 3),
                    naive_decode_ms = naive,
                    naive_ratio = naive is null ? (double?)null : Math.Round(r.NaiveRatio, 3),
                    init_s = Math.Round(initSeconds, 2),
                });
            else
            {
                output.WriteLine($"backbone:      {presetName} {dtypeName}, {r.Parameters / 1e6:F1}M parameters, random weights ({initSeconds:F1} s to build)");
                output.WriteLine($"threads:       {r.Threads}");
                output.WriteLine($"prefill:       {r.PrefillMs:F1} ms for {r.PromptTokens} tokens ({r.PromptTokens * 1000 / r.PrefillMs:F0} tokens/s)");
                output.WriteLine($"decode step:   {r.DecodeMs:F2} ms median of {r.DecodeSteps} (min {r.DecodeMinMs:F2}), {r.TokensPerSecond:F1} tokens/s");
                output.WriteLine($"floor:         {r.FloorMs:F2} ms median (min {r.FloorMinMs:F2}) to read the {r.WeightBytesPerStep / 1e6:F0} MB of weights a step reads, on all cores (best {r.BandwidthGBps:F1} GB/s)");
                output.WriteLine($"ratio:         {r.Ratio:F2}× the floor (medians; fastest step / fastest read: {r.BestRatio:F2}×)");
                if (naive is { } n)
                    output.WriteLine($"naive LibTorch decode: {n:F2} ms ({r.NaiveRatio:F2}× the floor)");
            }
            return CliRunner.ExitOk;
        });
        return command;
    }
}
