// `michi codec bench --train`: where the time of one codec training step goes. Builds a real
// CodecTrainer (the recipe's codec and discriminator, random weights, optimisers and losses
// exactly as training uses them) over a synthetic corpus (tones, chirps and noise written to
// a temporary folder; the content does not change the cost), and times `steps` steps of each
// phase after `warmup` untimed ones: the spectral warm-up phase, then the adversarial phase
// (discriminator update + generator with adversarial and feature-matching terms). Each step
// is split into laps by StepTimer (names from CodecTrainer.TrainStep: data, encoder, vocoder,
// d_forward, d_backward, d_optimizer, spectral_loss, g_adversarial, g_backward, g_optimizer,
// metrics, step_end = DisposeScope release); the report gives the median per part, wall and
// thread-CPU, and the median whole step. LibTorch runs on `threads` intra-op threads
// (1 by default, as training on this machine does), restored afterwards.
using Michi.Audio;
using Michi.Model.Codec;
using Michi.Training.Discriminators;
using TorchSharp;

namespace Michi.Training;

public sealed record StepPartTiming(string Part, double WallMs, double CpuMs);

public sealed record CodecTrainingBenchmarkPhase(string Name, IReadOnlyList<StepPartTiming> Parts, double StepWallMs, double StepCpuMs)
{
    public double StepsPerSecond => 1000.0 / StepWallMs;
}

public sealed record CodecTrainingBenchmarkResult(
    IReadOnlyList<CodecTrainingBenchmarkPhase> Phases, int Steps, int Warmup, int Threads, int BatchSize, int CropSamples,
    long GeneratorParameters, long DiscriminatorParameters);

public static class CodecTrainingBenchmark
{
    public static CodecTrainingBenchmarkResult Run(CodecConfig codec, DiscriminatorConfig discriminator, int steps = 10, int warmup = 2,
        int threads = 1, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(discriminator);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        int previousThreads = torch.get_num_threads();
        string root = Path.Combine(Path.GetTempPath(), "michi-codec-bench-" + Guid.NewGuid().ToString("N"));
        torch.set_num_threads(threads);
        try
        {
            string data = Path.Combine(root, "data");
            WriteCorpus(data, codec.SampleRate);
            int perPhase = warmup + steps;
            var recipe = new CodecTrainingRecipe { Codec = codec, Discriminator = discriminator, ValidationFiles = 0, AdversarialStartStep = perPhase };
            var options = new CodecTrainingOptions { DataDirectory = data, OutputDirectory = Path.Combine(root, "run"), Recipe = recipe, Steps = 2 * perPhase };
            using var trainer = CodecTrainer.Create(options);
            var phases = new List<CodecTrainingBenchmarkPhase>();
            foreach (string phase in new[] { "spectral", "adversarial" })
            {
                var timer = new StepTimer();
                var wall = new List<double>();
                var cpu = new List<double>();
                for (int i = 0; i < perPhase; i++)
                {
                    if (i == warmup) timer.Clear();
                    double cpu0 = StepTimer.ThreadCpuMs();
                    long wall0 = System.Diagnostics.Stopwatch.GetTimestamp();
                    trainer.BenchmarkStep(timer);
                    double w = System.Diagnostics.Stopwatch.GetElapsedTime(wall0).TotalMilliseconds, c = StepTimer.ThreadCpuMs() - cpu0;
                    if (i >= warmup)
                    {
                        wall.Add(w);
                        cpu.Add(c);
                    }
                    log?.Invoke($"{phase} step {i + 1}/{perPhase}: {w:0} ms{(i < warmup ? " (warm-up)" : "")}");
                }
                var parts = timer.Parts.Select(p => (p, timer.Median(p))).Select(t => new StepPartTiming(t.p, t.Item2.WallMs, t.Item2.CpuMs)).ToList();
                phases.Add(new CodecTrainingBenchmarkPhase(phase, parts, StepTimer.MedianOf(wall), StepTimer.MedianOf(cpu)));
            }
            return new CodecTrainingBenchmarkResult(phases, steps, warmup, threads, recipe.BatchSize, recipe.CropSamples,
                AudioCodec.CountParameters(trainer.Codec), trainer.Discriminator.parameters().Sum(p => p.numel()));
        }
        finally
        {
            torch.set_num_threads(previousThreads);
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // A temporary folder left behind is harmless.
            }
        }
    }

    /// <summary>30 s of 3 s clips: a few partials with vibrato plus noise (never silent: no denormal effects).</summary>
    private static void WriteCorpus(string folder, int sampleRate)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(1);
        for (int f = 0; f < 10; f++)
        {
            var samples = new float[3 * sampleRate];
            double pitch = 100 + 25 * f, phase = 0;
            for (int n = 0; n < samples.Length; n++)
            {
                double t = (double)n / sampleRate;
                phase += 2 * Math.PI * pitch * (1 + 0.03 * Math.Sin(2 * Math.PI * 5 * t)) / sampleRate;
                double v = 0;
                for (int h = 1; h <= 8; h++) v += Math.Sin(h * phase) / h;
                samples[n] = (float)(0.2 * v + 0.02 * (random.NextDouble() - 0.5));
            }
            WavFile.Write(Path.Combine(folder, $"clip{f}.wav"), samples, sampleRate);
        }
    }
}
