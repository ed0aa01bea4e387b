// VoiceProfile and VoiceSimilarity on synthetic "voices" (harmonic buzzes of different F0 through
// different spectral tilts, each saying two different "sentences" of vowel-like segments): the
// second sentence of each voice is closest to its own first, a shuffled pairing is not, the
// fallbacks for unvoiced audio, and the distance rules (standardised, missing F0 skipped).
using Michi.Data.Evaluation;

namespace Michi.Data.Tests.Evaluation;

public class VoiceSimilarityTests
{
    const int Rate = 16000;

    /// <summary>A buzz at f0 whose partials fall off as h^-tilt, with a slow vowel-like
    /// formant sweep that differs per sentence, and 50 ms gaps between 250 ms "syllables".</summary>
    static float[] Speak(double f0, double tilt, int sentence)
    {
        var random = new Random(sentence * 31 + (int)f0);
        var x = new float[Rate * 2];
        for (int i = 0; i < x.Length; i++)
        {
            double t = (double)i / Rate;
            if (t % 0.3 > 0.25) continue;
            double formant = 500 + 300 * Math.Sin(2 * Math.PI * (0.7 + 0.3 * sentence) * t);
            double s = 0;
            for (int h = 1; h * f0 < 7000; h++)
            {
                // 2 % vibrato at 3 Hz: instantaneous frequency h·f0·(1 + 0.02·sin 6πt).
                double phase = 2 * Math.PI * h * f0 * (t - 0.02 / (6 * Math.PI) * Math.Cos(6 * Math.PI * t));
                double boost = 1 + 2 * Math.Exp(-Math.Pow((h * f0 - formant) / 200, 2));
                s += boost * Math.Pow(h, -tilt) * Math.Sin(phase);
            }
            x[i] = (float)(0.1 * s + 0.001 * (random.NextDouble() - 0.5));
        }
        return x;
    }

    static readonly (double F0, double Tilt)[] s_voices = [(100, 1.0), (130, 2.0), (190, 0.7), (240, 1.6), (110, 0.5)];

    [Fact]
    public void EachVoiceIsClosestToItselfInAnotherSentence()
    {
        var first = s_voices.Select(v => VoiceProfile.Compute(Speak(v.F0, v.Tilt, 0), Rate)).ToList();
        var second = s_voices.Select(v => VoiceProfile.Compute(Speak(v.F0, v.Tilt, 1), Rate)).ToList();
        Assert.All(first, p => Assert.Equal(ProfileFrames.Voiced, p.Basis));
        for (int i = 0; i < s_voices.Length; i++) Assert.InRange(first[i].MedianF0, s_voices[i].F0 * 0.97, s_voices[i].F0 * 1.03);

        var space = VoiceSpace.Fit([.. first, .. second]);
        var results = VoiceSimilarity.Identify(space, second, first);
        Assert.Equal(1.0, VoiceSimilarity.Accuracy(results));
        Assert.All(results, r => Assert.True(r.OwnDistance < r.NearestOtherDistance));

        // The test can fail: pairing each voice with the next one's references gets none right.
        var shifted = first.Skip(1).Append(first[0]).ToList();
        Assert.Equal(0.0, VoiceSimilarity.Accuracy(VoiceSimilarity.Identify(space, second, shifted)));
    }

    [Fact]
    public void UnvoicedAudioFallsBackAndHasNoF0()
    {
        var random = new Random(2);
        var noise = Enumerable.Range(0, Rate).Select(_ => (float)(0.2 * (random.NextDouble() - 0.5))).ToArray();
        var p = VoiceProfile.Compute(noise, Rate);
        Assert.Equal(ProfileFrames.Active, p.Basis);
        Assert.True(double.IsNaN(p.Vector[^1]));
        var silent = VoiceProfile.Compute(new float[Rate], Rate);
        Assert.Equal(ProfileFrames.All, silent.Basis);

        // A missing F0 is skipped, not NaN everywhere; a profile is at distance 0 from itself.
        var voiced = VoiceProfile.Compute(Speak(120, 1, 0), 16000);
        var space = VoiceSpace.Fit([p, voiced]);
        Assert.True(double.IsFinite(space.Distance(p, voiced)) && space.Distance(p, voiced) > 0);
        Assert.Equal(0, space.Distance(voiced, voiced));
    }

    [Fact]
    public void DistancesAreInStandardisedUnits()
    {
        static VoiceProfile P(double value, double f0) =>
            new(Enumerable.Repeat(value, VoiceProfile.Coefficients).ToArray(), Enumerable.Repeat(value, VoiceProfile.Coefficients).ToArray(), f0, 100, 100, ProfileFrames.Voiced);
        // Two profiles one standard deviation either side of the mean in every dimension: z
        // difference 2 everywhere, so the RMS distance is 2 whatever the raw units.
        var a = P(0, 100);
        var b = P(10, 400);
        var space = VoiceSpace.Fit([a, b]);
        Assert.Equal(2, space.Distance(a, b), 9);
        Assert.Throws<ArgumentException>(() => VoiceSpace.Fit([]));
        // A single fitting profile keeps raw units (no spread to divide by).
        Assert.Equal(Math.Sqrt((40 * 100 + Math.Pow(Math.Log(4), 2)) / 41), VoiceSpace.Fit([a]).Distance(a, b), 9);
    }
}
