// Deterministic test audio: sines, chirps and seeded noise, as float arrays or (B, N) tensors.
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Training.Tests;

internal static class TestSignals
{
    public static float[] Sine(int samples, double hz, int rate = 24000, double amplitude = 0.5, double phase = 0)
    {
        var x = new float[samples];
        for (int i = 0; i < samples; i++) x[i] = (float)(amplitude * Math.Sin(2 * Math.PI * hz * i / rate + phase));
        return x;
    }

    /// <summary>A linear chirp from f0 to f1 Hz.</summary>
    public static float[] Chirp(int samples, double f0, double f1, int rate = 24000, double amplitude = 0.5)
    {
        var x = new float[samples];
        double duration = (double)samples / rate;
        for (int i = 0; i < samples; i++)
        {
            double t = (double)i / rate;
            x[i] = (float)(amplitude * Math.Sin(2 * Math.PI * (f0 * t + (f1 - f0) * t * t / (2 * duration))));
        }
        return x;
    }

    public static float[] Noise(int samples, int seed, double amplitude = 0.3)
    {
        var rng = new Random(seed);
        var x = new float[samples];
        for (int i = 0; i < samples; i++) x[i] = (float)(amplitude * (2 * rng.NextDouble() - 1));
        return x;
    }

    /// <summary>Stacks equal-length signals into a (B, N) tensor.</summary>
    public static Tensor Batch(params float[][] signals)
    {
        int n = signals[0].Length;
        var flat = new float[signals.Length * n];
        for (int b = 0; b < signals.Length; b++) signals[b].CopyTo(flat, b * n);
        return torch.tensor(flat, [signals.Length, n]);
    }
}
