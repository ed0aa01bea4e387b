// The radix-2 real FFT against a direct O(N²) DFT, for every size from 2 to 1024.
namespace Michi.Audio.Tests;

public sealed class FftTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(64)]
    [InlineData(256)]
    [InlineData(1024)]
    public void MatchesDirectDft(int n)
    {
        var rng = new Random(n);
        double[] x = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        var re = new double[n / 2 + 1];
        var im = new double[n / 2 + 1];
        new RealFft(n).Forward(x, re, im);

        for (int k = 0; k <= n / 2; k++)
        {
            double dr = 0, di = 0;
            for (int t = 0; t < n; t++)
            {
                double a = -2 * Math.PI * ((long)k * t % n) / n;
                dr += x[t] * Math.Cos(a);
                di += x[t] * Math.Sin(a);
            }
            Assert.True(Math.Abs(re[k] - dr) < 1e-9 && Math.Abs(im[k] - di) < 1e-9, $"bin {k}: ({re[k]}, {im[k]}) vs ({dr}, {di})");
        }
    }

    [Fact]
    public void CosineAtABinCentreIsOneLine()
    {
        const int n = 512, bin = 37;
        double[] x = Enumerable.Range(0, n).Select(t => Math.Cos(2 * Math.PI * bin * t / n)).ToArray();
        var re = new double[n / 2 + 1];
        var im = new double[n / 2 + 1];
        new RealFft(n).Forward(x, re, im);
        for (int k = 0; k <= n / 2; k++)
            Assert.Equal(k == bin ? n / 2.0 : 0.0, Math.Sqrt(re[k] * re[k] + im[k] * im[k]), 9);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1000)]
    public void NonPowerOfTwoSizesAreRejected(int n) =>
        Assert.Contains("power of two", Assert.Throws<ArgumentException>(() => new RealFft(n)).Message);
}
