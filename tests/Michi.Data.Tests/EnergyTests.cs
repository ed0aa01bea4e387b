using Michi.Data.Synthesis;

namespace Michi.Data.Tests;

public class EnergyTests
{
    const int Sr = 16000;

    static float[] Bursts(params (double Start, double End)[] bursts)
    {
        var x = new float[(int)(bursts.Max(b => b.End) * Sr) + Sr / 5];
        foreach (var (a, b) in bursts)
            for (int i = (int)(a * Sr); i < (int)(b * Sr); i++) x[i] = 0.3f * MathF.Sin(2 * MathF.PI * 300 * i / Sr);
        return x;
    }

    [Fact]
    public void SpeechRegionsFindBurstsAndJoinShortGaps()
    {
        var x = Bursts((0.3, 0.8), (0.85, 1.0), (1.3, 1.6));
        var regions = EnergyEnvelope.SpeechRegions(x, Sr, minPause: 0.1);
        Assert.Equal(2, regions.Count);               // the 50 ms gap is joined, the 300 ms one is not
        Assert.Equal(0.3, regions[0].Start, 0.02);
        Assert.Equal(1.0, regions[0].End, 0.02);
        Assert.Equal(1.3, regions[1].Start, 0.02);
        Assert.Equal(1.6, regions[1].End, 0.02);
    }

    [Fact]
    public void SilenceHasNoRegions() => Assert.Empty(EnergyEnvelope.SpeechRegions(new float[Sr], Sr));

    [Fact]
    public void TrimSilentEdgesPullsSpansOutOfPausesButKeepsShortGaps()
    {
        var x = Bursts((0.2, 0.5), (0.55, 0.9), (1.3, 1.5));
        bool[] active = EnergyEnvelope.Active(EnergyEnvelope.LevelsDb(x, Sr));
        WordTiming[] words = [new("a", 0.0, 0.55), new("b", 0.5, 1.25), new("c", 1.1, 1.7)];
        var trimmed = EnergyEnvelope.TrimSilentEdges(words, active);
        Assert.Equal(0.2, trimmed[0].Start, 0.02);    // the first word starts at the first sound
        Assert.Equal(0.55, trimmed[0].End, 0.02);     // the 50 ms gap is not a pause: kept
        Assert.Equal(0.9, trimmed[1].End, 0.02);      // 350 ms of trailing pause removed
        Assert.Equal(1.3, trimmed[2].Start, 0.02);
        Assert.Equal(1.5, trimmed[2].End, 0.02);
    }

    [Fact]
    public void EnergyAlignerRecoversWordsSeparatedByPauses()
    {
        var speech = FakeEngine.Speak("one three, elevenses. to");
        // Stretch the gaps after the comma and full stop into real pauses.
        var x = new List<float>();
        var truth = new List<double>();
        double shift = 0;
        foreach (var w in speech.Words)
        {
            truth.Add(w.Start + shift);
            if (w.Word.EndsWith(',') || w.Word.EndsWith('.')) shift += 0.3;
        }
        shift = 0;
        int at = 0;
        foreach (var w in speech.Words)
        {
            int end = (int)(w.End * SynthResult.SampleRate);
            x.AddRange(speech.Samples24k[at..end]);
            at = end;
            if (w.Word.EndsWith(',') || w.Word.EndsWith('.')) x.AddRange(new float[(int)(0.3 * SynthResult.SampleRate)]);
        }
        x.AddRange(speech.Samples24k[at..]);
        var estimate = EnergyAligner.Estimate([.. x], SynthResult.SampleRate, speech.Words.Select(w => w.Word).ToArray());
        Assert.Equal(4, estimate.Length);
        for (int i = 0; i < 4; i++)
            Assert.True(Math.Abs(estimate[i].Start - truth[i]) < 0.07, $"word {i}: {estimate[i].Start:0.000} vs {truth[i]:0.000}");
    }

    [Fact]
    public void EnergyAlignerHandlesMoreRegionsThanWords()
    {
        var x = Bursts((0.1, 0.3), (0.6, 0.8), (1.1, 1.3));
        var estimate = EnergyAligner.Estimate(x, Sr, ["only", "two"]);
        Assert.Equal(2, estimate.Length);
        Assert.True(estimate[0].Start < estimate[1].Start);
        Assert.Equal(0.1, estimate[0].Start, 0.02);
    }
}
