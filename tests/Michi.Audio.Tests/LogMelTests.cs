// Log-mel spectrogram: frame count and centring, silence at the floor, a sine's energy in the
// band centred on its frequency, numpy-style reflect padding, and purity.
namespace Michi.Audio.Tests;

public sealed class LogMelTests
{
    static float[] Sine(double hz, int n, int rate = 24000) =>
        Enumerable.Range(0, n).Select(i => (float)(0.5 * Math.Sin(2 * Math.PI * hz * i / rate))).ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(257)]
    [InlineData(24000)]
    public void CentredFrameCountIsOnePlusSamplesOverHop(int n)
    {
        float[,] mel = LogMel.Compute(new float[n], MelConfig.Default);
        Assert.Equal(1 + n / 256, mel.GetLength(0));
        Assert.Equal(80, mel.GetLength(1));
    }

    [Theory]
    [InlineData(1023, 0)]
    [InlineData(1024, 1)]
    [InlineData(1024 + 255, 1)]
    [InlineData(1024 + 256, 2)]
    public void UncentredFrameCountCountsWholeWindows(int n, int frames) =>
        Assert.Equal(frames, LogMel.Compute(new float[n], MelConfig.Default with { Center = false }).GetLength(0));

    [Fact]
    public void EmptySignalHasNoFrames() => Assert.Equal(0, LogMel.Compute([], MelConfig.Default).GetLength(0));

    [Fact]
    public void SilenceSitsAtTheLogFloor()
    {
        var cfg = MelConfig.Default with { LogFloor = 1e-4 };
        float[,] mel = LogMel.Compute(new float[5000], cfg);
        foreach (float v in mel) Assert.Equal((float)Math.Log(1e-4), v);
    }

    [Theory]
    [InlineData(MelScale.Slaney, MelNorm.Slaney)]
    [InlineData(MelScale.Htk, MelNorm.None)]
    public void SineEnergyLandsInTheBandCentredNearestItsFrequency(MelScale scale, MelNorm norm)
    {
        var fb = MelFilterbank.Create(MelConfig.Default with { Scale = scale, Norm = norm });
        foreach (int band in new[] { 20, 35, 50, 65, 78 })
        {
            // Exactly at a centre, and a quarter of the way towards the next one: both nearest `band`.
            double next = band + 1 < fb.NMels ? fb.CenterHz(band + 1) : fb.PointsHz[band + 2];
            foreach (double hz in new[] { fb.CenterHz(band), fb.CenterHz(band) + 0.25 * (next - fb.CenterHz(band)) })
            {
                float[,] mel = LogMel.Compute(Sine(hz, 12000), fb);
                int frame = mel.GetLength(0) / 2;
                int loudest = Enumerable.Range(0, fb.NMels).MaxBy(m => mel[frame, m]);
                Assert.True(loudest == band, $"{hz:F1} Hz: loudest band {loudest}, expected {band}");
            }
        }
    }

    [Fact]
    public void FramesAreCentredOnMultiplesOfTheHop()
    {
        // An impulse at sample 10·hop: frame 10 sees it at the window's centre (the loudest), and
        // frames 9 and 11 see it at mirror positions of the symmetric window (equal energies).
        var x = new float[6000];
        x[2560] = 1;
        float[,] mel = LogMel.Compute(x, MelConfig.Default);
        for (int m = 0; m < 80; m++)
        {
            Assert.Equal(mel[9, m], mel[11, m], 4);
            Assert.True(mel[10, m] > mel[9, m]);
        }
    }

    [Fact]
    public void ReflectPaddingFollowsNumpy()
    {
        // numpy.pad([1, 2, 3], 7, mode="reflect") = [2 3 2 1 2 3 2 | 1 2 3 | 2 1 2 3 2 1 2]
        int[] expected = [2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2];
        int[] got = Enumerable.Range(-7, 17).Select(i => new[] { 1, 2, 3 }[LogMel.Reflect(i, 3)]).ToArray();
        Assert.Equal(expected, got);
        Assert.Equal(0, LogMel.Reflect(-5, 1));
    }

    [Fact]
    public void ShortSignalsAreReflectedNotZeroPadded()
    {
        // A constant signal reflects into a constant frame: only the DC region has energy, so the
        // top band stays at the floor while the bottom band does not.
        float[] x = Enumerable.Repeat(0.3f, 100).ToArray();
        float[,] mel = LogMel.Compute(x, MelConfig.Default);
        Assert.Equal(1, mel.GetLength(0));
        Assert.True(mel[0, 0] > -5);
        Assert.Equal((float)Math.Log(1e-5), mel[0, 79]);
    }

    [Fact]
    public void PowerTwoSquaresTheMagnitude()
    {
        // One band whose triangle holds only FFT bin 43: mel = w·|X₄₃|^p, so ln mel₂ − 2·ln mel₁ = −ln w.
        const double binHz = 24000.0 / 1024;
        var cfg = MelConfig.Default with { NMels = 1, FMin = 42.5 * binHz, FMax = 43.5 * binHz, Norm = MelNorm.None };
        Assert.Equal(1, MelFilterbank.Create(cfg).Row(0).ToArray().Count(w => w > 0));
        float[] x = Sine(43 * binHz, 4096);
        float[,] p1 = LogMel.Compute(x, cfg);
        float[,] p2 = LogMel.Compute(x, cfg with { Power = 2 });
        double w = MelFilterbank.Create(cfg).Row(0).ToArray().Max();
        Assert.Equal(-Math.Log(w), p2[8, 0] - 2.0 * p1[8, 0], 3);
        // And the magnitude itself: a bin-centred sine of amplitude A under a periodic Hann window
        // of N points has |X| = A·N/4.
        Assert.Equal(Math.Log(w * 0.5 * 1024 / 4), p1[8, 0], 3);
    }

    [Fact]
    public void PrebuiltFilterbankGivesTheSameResult()
    {
        float[] x = Sine(440, 3000);
        Assert.Equal(LogMel.Compute(x, MelConfig.Default), LogMel.Compute(x, MelFilterbank.Create(MelConfig.Default)));
    }
}
