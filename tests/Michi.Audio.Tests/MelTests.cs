// Mel scales and the filterbank against their analytic definitions: known conversion points,
// triangles peaking at their centres, partition of unity (no norm), unit area (Slaney norm).
using System.Text.Json;

namespace Michi.Audio.Tests;

public sealed class MelTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(200, 3)]
    [InlineData(1000, 15)]
    [InlineData(6400, 42)]      // 27 mel per factor 6.4 above 1 kHz
    [InlineData(40960, 69)]     // 6400 · 6.4
    public void SlaneyScaleKnownPoints(double hz, double mel)
    {
        Assert.Equal(mel, MelConversion.HzToMel(hz, MelScale.Slaney), 9);
        Assert.Equal(hz, MelConversion.MelToHz(mel, MelScale.Slaney), 6);
    }

    [Fact]
    public void HtkScaleKnownPoints()
    {
        Assert.InRange(MelConversion.HzToMel(1000, MelScale.Htk), 999.98, 999.99); // 2595·log10(17/7)
        Assert.Equal(2595 * Math.Log10(2), MelConversion.HzToMel(700, MelScale.Htk), 9);
        Assert.Equal(0, MelConversion.HzToMel(0, MelScale.Htk), 12);
    }

    [Theory]
    [InlineData(MelScale.Slaney)]
    [InlineData(MelScale.Htk)]
    public void ConversionsRoundTrip(MelScale scale)
    {
        foreach (double hz in new[] { 0.0, 1, 55, 440, 999.999, 1000, 1000.001, 3000, 12000, 22050 })
            Assert.Equal(hz, MelConversion.MelToHz(MelConversion.HzToMel(hz, scale), scale), 6);
    }

    [Fact]
    public void MelFrequenciesAreEvenInMelAndHitTheEnds()
    {
        double[] f = MelConversion.MelFrequencies(12, 30, 8000, MelScale.Slaney);
        Assert.Equal(30, f[0], 9);
        Assert.Equal(8000, f[^1], 9);
        double step = MelConversion.HzToMel(f[1], MelScale.Slaney) - MelConversion.HzToMel(f[0], MelScale.Slaney);
        for (int i = 1; i < f.Length; i++)
            Assert.Equal(step, MelConversion.HzToMel(f[i], MelScale.Slaney) - MelConversion.HzToMel(f[i - 1], MelScale.Slaney), 9);
    }

    [Theory]
    [InlineData(MelScale.Slaney, MelNorm.Slaney)]
    [InlineData(MelScale.Htk, MelNorm.None)]
    public void RowsAreTrianglesPeakingAtTheirCentre(MelScale scale, MelNorm norm)
    {
        var fb = MelFilterbank.Create(new MelConfig { Scale = scale, Norm = norm, FMin = 20 });
        double binHz = 24000.0 / 1024;
        for (int m = 0; m < fb.NMels; m++)
        {
            ReadOnlySpan<float> row = fb.Row(m);
            int peak = row.IndexOf(MaxOf(row));
            // The peak is one of the two bins around the centre frequency.
            Assert.True(Math.Abs(peak * binHz - fb.CenterHz(m)) < binHz, $"band {m}: peak bin {peak}, centre {fb.CenterHz(m)} Hz");
            for (int k = 0; k < row.Length; k++)
            {
                double hz = k * binHz;
                if (hz <= fb.PointsHz[m] || hz >= fb.PointsHz[m + 2]) Assert.Equal(0f, row[k]);
                else Assert.True(row[k] > 0, $"band {m} bin {k} should be inside its triangle");
                if (k > 0 && k <= peak) Assert.True(row[k] >= row[k - 1], $"band {m} not rising at {k}");
                if (k > peak) Assert.True(row[k] <= row[k - 1], $"band {m} not falling at {k}");
            }
        }
    }

    [Fact]
    public void UnnormalisedTrianglesSumToOneBetweenTheFirstAndLastCentres()
    {
        var fb = MelFilterbank.Create(new MelConfig { Norm = MelNorm.None });
        double binHz = 24000.0 / 1024;
        for (int k = 0; k < fb.NFreqs; k++)
        {
            double hz = k * binHz;
            if (hz < fb.CenterHz(0) || hz > fb.CenterHz(fb.NMels - 1)) continue;
            double sum = 0;
            for (int m = 0; m < fb.NMels; m++) sum += fb.Row(m)[k];
            Assert.Equal(1.0, sum, 5);
        }
    }

    [Fact]
    public void SlaneyNormGivesEveryWideBandUnitArea()
    {
        var fb = MelFilterbank.Create(new MelConfig { NFft = 4096 }); // fine bins: the Riemann sum ≈ the area
        double binHz = 24000.0 / 4096;
        int checkedBands = 0;
        for (int m = 0; m < fb.NMels; m++)
        {
            if (fb.PointsHz[m + 2] - fb.PointsHz[m] < 40 * binHz) continue;
            double area = 0;
            foreach (float w in fb.Row(m)) area += w * binHz;
            Assert.Equal(1.0, area, 2);
            checkedBands++;
        }
        Assert.True(checkedBands > 20);
    }

    [Fact]
    public void DefaultsAreMichis24kHzFeatures()
    {
        var c = MelConfig.Default;
        Assert.Equal((24000, 1024, 256, 1024, 80), (c.SampleRate, c.NFft, c.HopLength, c.WinLength, c.NMels));
        Assert.Equal((0.0, 12000.0, MelScale.Slaney, MelNorm.Slaney, true, 1e-5, 1.0),
            (c.FMin, c.FMaxHz, c.Scale, c.Norm, c.Center, c.LogFloor, c.Power));
        Assert.Equal(513, MelFilterbank.Create(c).NFreqs);
    }

    [Fact]
    public void ConfigRoundTripsThroughJsonWithHifiGanNames()
    {
        var c = new MelConfig { SampleRate = 22050, HopLength = 220, FMax = 8000, Scale = MelScale.Htk, Norm = MelNorm.None };
        string json = JsonSerializer.Serialize(c);
        Assert.Contains("\"hop_size\":220", json);
        Assert.Contains("\"mel_scale\":\"Htk\"", json);
        Assert.Equal(c, JsonSerializer.Deserialize<MelConfig>(json));
    }

    [Theory]
    [InlineData(1000, 256, 1024, 80, 0.0, null, "power of two")]
    [InlineData(1024, 0, 1024, 80, 0.0, null, "hop_size")]
    [InlineData(1024, 256, 2048, 80, 0.0, null, "win_size")]
    [InlineData(1024, 256, 1024, 0, 0.0, null, "num_mels")]
    [InlineData(1024, 256, 1024, 80, 500.0, 400.0, "fmax")]
    [InlineData(1024, 256, 1024, 80, 0.0, 13000.0, "fmax")]
    public void InvalidConfigsAreRejected(int nFft, int hop, int win, int mels, double fMin, double? fMax, string named)
    {
        var c = new MelConfig { NFft = nFft, HopLength = hop, WinLength = win, NMels = mels, FMin = fMin, FMax = fMax };
        Assert.Contains(named, Assert.Throws<ArgumentException>(() => MelFilterbank.Create(c)).Message);
    }

    static float MaxOf(ReadOnlySpan<float> x)
    {
        float max = float.MinValue;
        foreach (float v in x) max = Math.Max(max, v);
        return max;
    }
}
