// The trainer's own random number generator for data choices (which file, which crop):
// SplitMix64 (Steele, Lea & Flood 2014, "Fast splittable pseudorandom number generators"),
// whose whole state is one 64-bit integer, so a checkpoint stores it exactly and a resumed run
// draws the same crops as an uninterrupted one. System.Random cannot be saved and restored.
namespace Michi.Training;

public sealed class TrainingRandom(ulong state)
{
    /// <summary>The full state: restoring it replays the same sequence.</summary>
    public ulong State { get; set; } = state;

    public ulong NextUInt64()
    {
        ulong z = State += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1), 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, <paramref name="maxExclusive"/>) (multiply-shift; bias below 2⁻³²).</summary>
    public long NextInt64(long maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxExclusive, 1);
        return (long)(NextDouble() * maxExclusive) is var v && v < maxExclusive ? v : maxExclusive - 1;
    }
}
