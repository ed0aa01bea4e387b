// What the trainer reports after every step (and on events: data loaded, resumed, validated,
// checkpoint written), for a progress bar or a log. Losses are those of the latest step.
namespace Michi.Training;

public sealed record CodecTrainingProgress(
    long Step, long TotalSteps, bool Adversarial, double Mel, double Loss, double StepsPerSecond, double? ValidationMel,
    string? Message = null);

/// <summary>Where a run ended: its last step, checkpoint folder, last validation mel distance, time.</summary>
public sealed record CodecTrainingResult(
    long Step, string CheckpointDirectory, double? ValidationMel, double ElapsedSeconds, double StepsPerSecond);
