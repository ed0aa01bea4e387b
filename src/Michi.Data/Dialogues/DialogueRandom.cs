// The random numbers of one dialogue: a SplitMix64 stream keyed by (seed, dialogue index,
// purpose), so every dialogue is a pure function of (seed, index) and independent of workers
// and order, and the numbers never change with the .NET version (System.Random may).
// Reference: Steele, Lea & Flood, "Fast splittable pseudorandom number generators" (2014).
namespace Michi.Data.Dialogues;

public sealed class DialogueRandom
{
    /// <summary>What a stream is for: separate streams keep one use's draws from shifting another's.</summary>
    public enum Stream : ulong { TurnCount = 1, Plan = 2, Layout = 3 }

    ulong _state;

    public DialogueRandom(long seed, int index, Stream stream) =>
        _state = Mix(Mix((ulong)seed * 0xD1B54A32D192ED03UL ^ (ulong)(uint)index) ^ ((ulong)stream * 0x9E3779B97F4A7C15UL));

    /// <summary>Uniform in [0, 1).</summary>
    public double Uniform()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return (Mix(_state) >> 11) * (1.0 / (1UL << 53));
    }

    public double Uniform(double min, double max) => min + (max - min) * Uniform();

    /// <summary>Uniform integer in [min, max] (inclusive).</summary>
    public int Integer(int min, int max) => min + (int)Math.Min(max - min, Math.Floor(Uniform() * (max - min + 1)));

    /// <summary>Standard normal (Box–Muller; always two uniforms, so the stream stays aligned).</summary>
    public double Normal()
    {
        double u1 = 1 - Uniform(), u2 = Uniform();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Poisson count with mean <paramref name="mean"/> (Knuth's product method; means here are small).</summary>
    public int Poisson(double mean)
    {
        if (!(mean > 0)) return 0;
        double limit = Math.Exp(-Math.Min(mean, 500)), product = Uniform();
        int k = 0;
        while (product > limit && k < 10_000) { product *= Uniform(); k++; }
        return k;
    }

    static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
