// `michi codec bench --train` on the tiny preset: both phases are timed, each reports its
// parts in step order, and the parts add up to about the whole step.
using Michi.Model.Codec;
using Michi.Training.Discriminators;

namespace Michi.Training.Tests.Training;

public class CodecTrainingBenchmarkTests
{
    [Fact]
    public void TimesThePartsOfBothPhases()
    {
        var r = CodecTrainingBenchmark.Run(CodecConfig.Tiny, DiscriminatorConfig.Tiny, steps: 2, warmup: 1);
        Assert.Equal(["spectral", "adversarial"], r.Phases.Select(p => p.Name));
        Assert.Equal(["data", "encoder", "vocoder", "spectral_loss", "g_backward", "g_optimizer", "metrics", "step_end"],
            r.Phases[0].Parts.Select(p => p.Part));
        Assert.Equal(["data", "encoder", "vocoder", "d_forward", "d_backward", "d_optimizer", "spectral_loss", "g_adversarial",
            "g_backward", "g_optimizer", "metrics", "step_end"], r.Phases[1].Parts.Select(p => p.Part));
        foreach (var phase in r.Phases)
        {
            Assert.True(phase.StepWallMs > 0 && phase.StepCpuMs > 0);
            Assert.All(phase.Parts, p => Assert.True(p.WallMs >= 0 && p.CpuMs >= 0));
            double sum = phase.Parts.Sum(p => p.WallMs);
            Assert.True(sum > 0.3 * phase.StepWallMs && sum < 3 * phase.StepWallMs, $"{phase.Name}: parts {sum} ms, step {phase.StepWallMs} ms");
        }
        Assert.True(r.GeneratorParameters > 0 && r.DiscriminatorParameters > 0);
    }
}
