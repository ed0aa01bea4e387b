// `michi codec bench --preset small --train [--steps N] [--threads T] [--json]`: per-part times
// of one codec training step (Michi.Training.CodecTrainingBenchmark) for the preset with the
// light discriminators, both phases (spectral warm-up and adversarial). Separate from
// CodecCommands so the training benchmark's output has its own owner; `--train` there is the
// only hook. Progress of each step goes to stderr.
using System.CommandLine;
using Michi.Cli.Infrastructure;
using Michi.Model.Codec;
using Michi.Training;
using Michi.Training.Discriminators;

namespace Michi.Cli.Commands;

internal static class CodecTrainBench
{
    public static int Run(ParseResult parse, string preset, int steps, int threads, bool json)
    {
        var error = parse.InvocationConfiguration.Error;
        var r = CodecTrainingBenchmark.Run(CodecConfig.Preset(preset)!, DiscriminatorConfig.Light, steps, warmup: 2, threads: threads,
            log: line => error.WriteLine(line));
        var output = parse.InvocationConfiguration.Output;
        if (json)
        {
            JsonOutput.Write(output, new
            {
                preset, discriminator = "light", steps = r.Steps, warmup = r.Warmup, threads = r.Threads, batch_size = r.BatchSize,
                crop_samples = r.CropSamples, generator_parameters = r.GeneratorParameters, discriminator_parameters = r.DiscriminatorParameters,
                phases = r.Phases.Select(p => new
                {
                    name = p.Name, step_ms = p.StepWallMs, step_cpu_ms = p.StepCpuMs, steps_per_s = p.StepsPerSecond,
                    parts = p.Parts.Select(t => new { part = t.Part, ms = t.WallMs, cpu_ms = t.CpuMs }),
                }),
            });
            return CliRunner.ExitOk;
        }
        output.WriteLine($"preset {preset} + light discriminators: batch {r.BatchSize} × {r.CropSamples} samples, " +
            $"{r.GeneratorParameters:N0} + {r.DiscriminatorParameters:N0} parameters, {r.Threads} thread(s), median of {r.Steps} steps after {r.Warmup} warm-up");
        foreach (var phase in r.Phases)
        {
            output.WriteLine($"{phase.Name}: {phase.StepWallMs:0.0} ms per step (cpu {phase.StepCpuMs:0.0}), {phase.StepsPerSecond:0.000} steps/s");
            foreach (var part in phase.Parts)
                output.WriteLine($"  {part.Part,-14} {part.WallMs,8:0.0} ms  cpu {part.CpuMs,8:0.0} ms");
        }
        return CliRunner.ExitOk;
    }
}
