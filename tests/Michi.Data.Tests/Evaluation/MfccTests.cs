// Mfcc: the DCT basis is orthonormal, a flat log-mel spectrum has energy in c0 only, frames line
// up with PitchTracker's, and a brighter sound moves c1 (the spectral tilt) the expected way.
using Michi.Data.Evaluation;

namespace Michi.Data.Tests.Evaluation;

public class MfccTests
{
    [Fact]
    public void TheDctBasisIsOrthonormal()
    {
        var b = Mfcc.DctMatrix(40, 40);
        for (int i = 0; i < 40; i++)
            for (int j = 0; j < 40; j++)
            {
                double dot = 0;
                for (int m = 0; m < 40; m++) dot += b[i, m] * b[j, m];
                Assert.Equal(i == j ? 1 : 0, dot, 1e-9);
            }
    }

    [Fact]
    public void FramesMatchThePitchTrackAndLowToneHasMoreTiltThanHighNoise()
    {
        const int rate = Mfcc.SampleRate;
        var low = Enumerable.Range(0, rate / 2).Select(i => (float)(0.3 * Math.Sin(2 * Math.PI * 200 * i / rate))).ToArray();
        var random = new Random(1);
        var noise = Enumerable.Range(0, rate / 2).Select(_ => (float)(0.1 * (random.NextDouble() * 2 - 1))).ToArray();
        var a = Mfcc.Compute(low);
        var n = Mfcc.Compute(noise);
        Assert.Equal(PitchTracker.Track(low, rate).Frames, a.GetLength(0));
        Assert.Equal(21, a.GetLength(1));
        // c1 weighs low bands positively and high bands negatively: a 200 Hz tone has a large
        // positive c1, white noise (more energy in the wider high mel bands) a smaller one.
        Assert.True(a[25, 1] > n[25, 1] + 10, $"{a[25, 1]} vs {n[25, 1]}");
    }

    [Fact]
    public void AFlatSpectrumHasOnlyC0()
    {
        // An impulse per frame would be flat, but band areas differ; instead check the DCT of a
        // constant row: only c0 = √M · value.
        var b = Mfcc.DctMatrix(5, 40);
        for (int k = 0; k < 5; k++)
        {
            double c = 0;
            for (int m = 0; m < 40; m++) c += b[k, m] * 2.0;
            Assert.Equal(k == 0 ? 2 * Math.Sqrt(40) : 0, c, 1e-9);
        }
    }
}
