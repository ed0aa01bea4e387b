// Speed of a Llama backbone on this machine, with whatever weights the model holds (the CLI
// builds random ones): prefill of a prompt through the model's regular forward (LibTorch
// matmuls), then single-token decode steps through LlamaDecodeStep, and for comparison the same
// steps through the model's forward (the naive LibTorch loop). Each timing is a median after
// warm-up. The floor is the memory-bandwidth bound of a decode step: the bytes of every matrix
// a step reads, read by MemoryReadProbe on all cores whatever pool the step itself is given.
// On a machine shared with other work the load changes from second to second, so a read pass
// runs right before every timed step, and ratio = median step / median pass compares the two
// under the same conditions; best_ratio = fastest step / fastest pass is the quiet-machine view.
// The LibTorch calls run inside a no-GC region: TorchSharp 0.107 hands native code the handle of
// a temporary Scalar (the alpha of every add/sub) whose finalizer can free it mid-call if a GC
// runs then; under heavy machine load this crashed the benchmark ("Expected false to be true"
// from c10 Scalar::toFloat). Without collections there are no such finalizers.
using System.Diagnostics;
using Michi.Model.Backbone;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Kernels;

public sealed record BackboneBenchmarkOptions
{
    public int PromptTokens { get; init; } = 64;
    public int PrefillRuns { get; init; } = 3;
    public int WarmupSteps { get; init; } = 3;
    public int DecodeSteps { get; init; } = 32;
    /// <summary>Decode steps through the model's own forward, for comparison (0: skip).</summary>
    public int NaiveSteps { get; init; } = 20;
    public int Seed { get; init; } = 1;
}

public sealed record BackboneBenchmarkResult(
    long Parameters, long WeightBytesPerStep, int Threads, int PromptTokens, int DecodeSteps,
    double PrefillMs, double DecodeMs, double DecodeMinMs, double FloorMs, double FloorMinMs, double NaiveDecodeMs)
{
    public double TokensPerSecond => 1000 / DecodeMs;
    public double Ratio => DecodeMs / FloorMs;
    public double BestRatio => DecodeMinMs / FloorMinMs;
    /// <summary>The fastest read pass's bandwidth.</summary>
    public double BandwidthGBps => WeightBytesPerStep / FloorMinMs / 1e6;
    public double NaiveRatio => NaiveDecodeMs / FloorMs;
}

public static class BackboneBenchmark
{
    public static BackboneBenchmarkResult Run(LlamaForCausalLM model, BackboneBenchmarkOptions options, ComputePool? pool = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PromptTokens, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PrefillRuns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.DecodeSteps, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.WarmupSteps);
        ArgumentOutOfRangeException.ThrowIfNegative(options.NaiveSteps);
        pool ??= ComputePool.Shared;
        var config = model.Config;
        var step = new LlamaDecodeStep(model, pool);
        var random = new Random(options.Seed);
        long[] prompt = Enumerable.Range(0, options.PromptTokens).Select(_ => (long)random.Next(config.VocabSize)).ToArray();
        int capacity = options.PromptTokens + options.WarmupSteps + Math.Max(options.DecodeSteps, options.NaiveSteps);
        if (capacity > config.MaxPositionEmbeddings)
            throw new ArgumentException($"{capacity} positions exceed the model's context of {config.MaxPositionEmbeddings}", nameof(options));
        using var noGrad = torch.no_grad();
        using var cache = model.NewCache(capacity);

        // Prefill: the model's batched forward (one warm-up run, then the median of the rest).
        var prefill = new List<double>();
        for (int run = 0; run <= options.PrefillRuns; run++)
        {
            cache.Reset();
            using var scope = torch.NewDisposeScope();
            var ids = torch.tensor(prompt, [1, prompt.Length]);
            using var noGC = GcPause.Start(16 << 20);
            long start = Stopwatch.GetTimestamp();
            model.Forward(ids, cache, lastPositionOnly: true);
            if (run > 0) prefill.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        // Decode with the fast step from the prefilled cache, greedy on its own logits; a read
        // pass of the same weights before each step.
        var probe = new MemoryReadProbe(step.StepMatrices);
        var logits = new float[config.VocabSize];
        int token = (int)prompt[^1];
        var decode = new List<double>();
        var floor = new List<double>();
        for (int i = 0; i < options.WarmupSteps + options.DecodeSteps; i++)
        {
            double read = probe.Read(ComputePool.Shared) * 1000;
            long start = Stopwatch.GetTimestamp();
            step.Forward(token, cache, logits);
            double elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (i >= options.WarmupSteps)
            {
                decode.Add(elapsed);
                floor.Add(read);
            }
            token = ArgMax(logits);
        }

        // The naive loop: the same positions through the model's forward.
        var naive = new List<double>();
        if (options.NaiveSteps > 0)
        {
            cache.Truncate(options.PromptTokens);
            token = (int)prompt[^1];
            for (int i = 0; i < options.WarmupSteps + options.NaiveSteps; i++)
            {
                using var scope = torch.NewDisposeScope();
                var ids = torch.tensor(new long[] { token }, [1, 1]);
                using var noGC = GcPause.Start(16 << 20);
                long start = Stopwatch.GetTimestamp();
                var output = model.Forward(ids, cache, lastPositionOnly: true);
                output.data<float>().CopyTo(logits);
                if (i >= options.WarmupSteps) naive.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                token = ArgMax(logits);
            }
        }

        return new BackboneBenchmarkResult(
            model.ParameterCount, probe.Bytes, pool.Threads, options.PromptTokens, options.DecodeSteps,
            Median(prefill), Median(decode), decode.Min(), Median(floor), floor.Min(), naive.Count > 0 ? Median(naive) : double.NaN);
    }

    static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}
