// The knobs of `michi data dialogues`: how often a turn overlaps or interrupts the previous one,
// how many backchannels a minute of speech gets, and how long dialogues are. Ratios are per
// turn change (a dialogue of T turns has T − 1); the rest of the changes are gaps.
namespace Michi.Data.Dialogues;

public sealed record DialogueOptions
{
    public long Seed { get; init; }

    /// <summary>Fraction of turn changes where the next speaker starts before the previous one has finished.</summary>
    public double OverlapRatio { get; init; } = 0.15;

    /// <summary>Fraction of turn changes where the next speaker cuts the previous one off mid-turn.</summary>
    public double InterruptionRatio { get; init; } = 0.1;

    /// <summary>Backchannels by the listener per minute of the speaker's speech.</summary>
    public double BackchannelRate { get; init; } = 4;

    public int TurnsMin { get; init; } = 4;
    public int TurnsMax { get; init; } = 10;

    public double RateMin { get; init; } = 0.9;
    public double RateMax { get; init; } = 1.1;
    public double PitchMin { get; init; } = 0.92;
    public double PitchMax { get; init; } = 1.08;

    /// <summary>Throws InvalidInputException naming the option when a value is out of range.</summary>
    public void Validate()
    {
        static void Check(bool ok, string message) { if (!ok) throw new InvalidInputException(message); }
        Check(OverlapRatio is >= 0 and <= 1, $"--overlap-ratio must be between 0 and 1 (got {OverlapRatio})");
        Check(InterruptionRatio is >= 0 and <= 1, $"--interruption-ratio must be between 0 and 1 (got {InterruptionRatio})");
        Check(OverlapRatio + InterruptionRatio <= 1 + 1e-9,
              $"--overlap-ratio + --interruption-ratio must be at most 1 (got {OverlapRatio + InterruptionRatio})");
        Check(BackchannelRate is >= 0 and <= 60, $"--backchannel-rate must be between 0 and 60 per minute (got {BackchannelRate})");
        Check(TurnsMin >= 1 && TurnsMax >= TurnsMin && TurnsMax <= 1000, $"--turns must be MIN-MAX with 1 <= MIN <= MAX <= 1000 (got {TurnsMin}-{TurnsMax})");
        Check(RateMin > 0 && RateMax >= RateMin && PitchMin > 0 && PitchMax >= PitchMin, "bad rate or pitch range");
    }
}
