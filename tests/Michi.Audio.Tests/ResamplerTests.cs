// Resampler: exact timing (output k at time k/to, no delay), pass-band accuracy, stop-band
// rejection, streaming == one-shot, lengths, and the bounded-table path for awkward ratios.
using Xunit.Abstractions;

namespace Michi.Audio.Tests;

public sealed class ResamplerTests(ITestOutputHelper log)
{
    static float[] Sine(double hz, int rate, int n, double amplitude = 0.5) =>
        Enumerable.Range(0, n).Select(i => (float)(amplitude * Math.Sin(2 * Math.PI * hz * i / rate))).ToArray();

    static double Rms(ReadOnlySpan<float> x)
    {
        double s = 0;
        foreach (float v in x) s += (double)v * v;
        return Math.Sqrt(s / x.Length);
    }

    /// <summary>Error of <paramref name="actual"/> against <paramref name="expected"/> in dB relative to the
    /// expected signal, ignoring the first and last 10 ms.</summary>
    static double ErrorDb(float[] actual, float[] expected, int rate)
    {
        Assert.Equal(expected.Length, actual.Length);
        int edge = rate / 100;
        var diff = new float[actual.Length - 2 * edge];
        for (int i = 0; i < diff.Length; i++) diff[i] = actual[edge + i] - expected[edge + i];
        return 20 * Math.Log10(Rms(diff) / Rms(expected.AsSpan(edge, diff.Length)));
    }

    [Theory]
    [InlineData(44100, 24000)]
    [InlineData(48000, 24000)]
    [InlineData(22050, 24000)]
    [InlineData(16000, 24000)]
    [InlineData(8000, 24000)]
    [InlineData(24000, 44100)]
    [InlineData(24000, 48000)]
    [InlineData(24000, 22050)]
    [InlineData(24000, 16000)]
    [InlineData(24000, 8000)]
    public void SineLandsAtTheRightTimeWithTheRightLength(int from, int to)
    {
        int n = from / 2 + 7; // half a second, odd length
        float[] y = Resampler.Resample(Sine(1000, from, n), from, to);

        Assert.Equal((int)Math.Ceiling((double)n * to / from), y.Length);
        double db = ErrorDb(y, Sine(1000, to, y.Length), to); // compares against the ideal sine at k/to
        log.WriteLine($"{from} -> {to}: error {db:F1} dB");
        Assert.True(db < -60, $"{from} -> {to}: error {db:F1} dB");
    }

    [Fact]
    public void RoundTripThroughALowerRateKeepsA1kHzSine()
    {
        float[] x = Sine(1000, 44100, 44100);
        float[] back = Resampler.Resample(Resampler.Resample(x, 44100, 24000), 24000, 44100);
        double db = ErrorDb(back, x, 44100);
        log.WriteLine($"44.1k -> 24k -> 44.1k: error {db:F1} dB");
        Assert.True(db < -60, $"error {db:F1} dB");
    }

    [Theory]
    [InlineData(13000, 44100, 24000)]
    [InlineData(12500, 48000, 24000)]
    [InlineData(9000, 44100, 16000)]
    public void ToneAboveTheNewNyquistIsRemoved(double hz, int from, int to)
    {
        float[] y = Resampler.Resample(Sine(hz, from, from / 2), from, to);
        int edge = to / 100;
        double db = 20 * Math.Log10(Rms(y.AsSpan(edge, y.Length - 2 * edge)) / Rms(Sine(hz, from, from / 2)));
        log.WriteLine($"{hz} Hz, {from} -> {to}: {db:F1} dB");
        Assert.True(db <= -60, $"{hz} Hz leaks at {db:F1} dB");
    }

    [Fact]
    public void PassBandToneKeepsItsLevel()
    {
        float[] y = Resampler.Resample(Sine(9000, 44100, 22050), 44100, 24000); // 0.75 × new Nyquist
        int edge = 240;
        double gainDb = 20 * Math.Log10(Rms(y.AsSpan(edge, y.Length - 2 * edge)) / (0.5 / Math.Sqrt(2)));
        Assert.InRange(gainDb, -0.01, 0.01);
    }

    [Theory]
    [InlineData(44100, 24000, 0)]
    [InlineData(8000, 24000, 1)]
    [InlineData(24000, 16000, 2)]
    [InlineData(44101, 24000, 3)] // interpolated-taps path (Up × Taps above the table bound)
    public void ChunkedProcessingEqualsOneCall(int from, int to, int seed)
    {
        var rng = new Random(seed);
        float[] x = Enumerable.Range(0, 20_000).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        float[] whole = Resampler.Resample(x, from, to);

        var r = new Resampler(from, to);
        var pieces = new List<float>();
        for (int at = 0; at < x.Length;)
        {
            int n = Math.Min(x.Length - at, rng.Next(4) == 0 ? rng.Next(3) : rng.Next(1, 3000)); // includes 0 and 1
            pieces.AddRange(r.Process(x.AsSpan(at, n)));
            at += n;
        }
        pieces.AddRange(r.Flush());

        Assert.Equal(whole.Length, pieces.Count);
        for (int i = 0; i < whole.Length; i++) Assert.True(Math.Abs(whole[i] - pieces[i]) <= 1e-6, $"sample {i}");
    }

    [Fact]
    public void AwkwardRatioUsesBoundedTapsAndStaysAccurate()
    {
        var r = new Resampler(44101, 24000);
        Assert.Equal((24000, 44101), (r.Up, r.Down));
        Assert.True((long)r.Up * r.Taps > Resampler.MaxTableCoefficients); // so the table is not built

        float[] y = Resampler.Resample(Sine(1000, 44101, 22050), 44101, 24000);
        double db = ErrorDb(y, Sine(1000, 24000, y.Length), 24000);
        Assert.True(db < -60, $"error {db:F1} dB");
    }

    [Fact]
    public void InterpolatedTapsMatchTheTable()
    {
        var rng = new Random(5);
        float[] x = Enumerable.Range(0, 5000).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var table = new Resampler(44100, 24000, null, Resampler.MaxTableCoefficients);
        var interpolated = new Resampler(44100, 24000, null, maxTable: 0);
        float[] a = [.. table.Process(x), .. table.Flush()];
        float[] b = [.. interpolated.Process(x), .. interpolated.Flush()];
        Assert.Equal(a.Length, b.Length);
        Assert.True(a.Zip(b).Max(p => Math.Abs(p.First - p.Second)) < 1e-5);
    }

    [Fact]
    public void EqualRatesAreTheIdentity()
    {
        float[] x = [1, -2, 3.5f, 0.25f];
        Assert.Equal(x, Resampler.Resample(x, 24000, 24000));
        var r = new Resampler(16000, 16000);
        Assert.Equal(x, r.Process(x));
        Assert.Empty(r.Flush());
    }

    [Fact]
    public void RatioIsReducedAndLengthsFollowCeil()
    {
        var r = new Resampler(44100, 24000);
        Assert.Equal((80, 147), (r.Up, r.Down));
        foreach (int n in new[] { 0, 1, 2, 146, 147, 148, 1000 })
        {
            Assert.Equal((int)Math.Ceiling(n * 24000.0 / 44100), Resampler.Resample(new float[n], 44100, 24000).Length);
            Assert.Equal((long)Math.Ceiling(n * 24000.0 / 44100), Resampler.OutputLength(n, 44100, 24000));
        }
    }

    [Fact]
    public void ResetStartsANewSignalAndFlushEnds()
    {
        float[] x = Sine(440, 16000, 1234);
        var r = new Resampler(16000, 24000);
        float[] first = [.. r.Process(x), .. r.Flush()];
        Assert.Throws<InvalidOperationException>(() => r.Process(x));
        r.Reset();
        float[] second = [.. r.Process(x), .. r.Flush()];
        Assert.Equal(first, second);
    }

    [Fact]
    public void ImpulseIsCentredOnItsTime()
    {
        // An impulse at input sample 300 (16 kHz) is at 18.75 ms = output sample 450 (24 kHz): the
        // response must peak there and be symmetric around it, i.e. no filter delay.
        var x = new float[600];
        x[300] = 1;
        float[] y = Resampler.Resample(x, 16000, 24000);
        int peak = Array.IndexOf(y, y.Max());
        Assert.Equal(450, peak);
        for (int d = 1; d < 40; d++) Assert.True(Math.Abs(y[peak - d] - y[peak + d]) < 1e-6, $"asymmetric at {d}");
    }
}
