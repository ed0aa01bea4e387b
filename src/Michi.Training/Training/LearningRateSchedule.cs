// Learning-rate schedules as pure functions of the step (so a resumed run needs no scheduler
// state): linear warm-up to the peak, then a cosine decay to min_ratio · peak at decay_steps,
// flat afterwards (the nanoGPT / SmolLM pretraining shape).
namespace Michi.Training;

public static class LearningRateSchedule
{
    /// <summary>The rate for the update that follows <paramref name="step"/> updates (0-based).</summary>
    public static double WarmupCosine(long step, double peak, long warmupSteps, long decaySteps, double minRatio)
    {
        if (warmupSteps > 0 && step < warmupSteps) return peak * (step + 1) / warmupSteps;
        if (step >= decaySteps) return peak * minRatio;
        double progress = (double)(step - warmupSteps) / Math.Max(1, decaySteps - warmupSteps);
        return peak * (minRatio + (1 - minRatio) * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }
}
