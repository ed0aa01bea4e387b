// PitchTracker (YIN) on synthetic signals whose F0 is known: pure tones, a harmonic complex with
// no energy at its fundamental (the period, not the strongest partial, is the pitch), a glide,
// silence and white noise (unvoiced), and frames that line up with Mfcc's.
using Michi.Data.Evaluation;

namespace Michi.Data.Tests.Evaluation;

public class PitchTrackerTests
{
    const int Rate = 16000;

    static float[] Tone(double seconds, Func<double, double> sample) =>
        [.. Enumerable.Range(0, (int)(seconds * Rate)).Select(i => (float)sample((double)i / Rate))];

    [Theory]
    [InlineData(80)]
    [InlineData(123.4)]
    [InlineData(220)]
    [InlineData(440)]
    public void PureTonesAreTrackedWithinAHalfPercent(double hz)
    {
        var track = PitchTracker.Track(Tone(0.5, t => 0.3 * Math.Sin(2 * Math.PI * hz * t)), Rate);
        Assert.Equal(1 + 8000 / 160, track.Frames);
        var inner = track.F0.Skip(5).Take(track.Frames - 10).ToArray();   // frames away from the zero-padded edges
        Assert.All(inner, f => Assert.InRange(f, hz * 0.995, hz * 1.005));
        Assert.InRange(track.MedianF0(), hz * 0.999, hz * 1.001);
    }

    [Fact]
    public void AMissingFundamentalIsStillThePitch()
    {
        // Partials 2–5 of 150 Hz, none at 150 Hz itself: the waveform still repeats every 1/150 s.
        var x = Tone(0.5, t => Enumerable.Range(2, 4).Sum(h => 0.1 * Math.Sin(2 * Math.PI * 150 * h * t + h)));
        Assert.InRange(PitchTracker.Track(x, Rate).MedianF0(), 148.5, 151.5);
    }

    [Fact]
    public void AGlideIsFollowedFrameByFrame()
    {
        // 100 → 200 Hz linearly over one second: phase 2π(100t + 50t²).
        var track = PitchTracker.Track(Tone(1.0, t => 0.3 * Math.Sin(2 * Math.PI * (100 * t + 50 * t * t))), Rate);
        for (int frame = 10; frame < 90; frame += 10)
        {
            double expected = 100 + 100 * frame * track.HopSeconds;
            Assert.InRange(track.F0[frame], expected * 0.98, expected * 1.02);
        }
    }

    [Fact]
    public void SilenceAndNoiseAreUnvoiced()
    {
        var silence = PitchTracker.Track(new float[Rate / 2], Rate);
        Assert.All(silence.F0, f => Assert.True(double.IsNaN(f)));
        Assert.All(silence.Active, a => Assert.False(a));
        Assert.True(double.IsNaN(silence.MedianF0()));

        var random = new Random(5);
        var noise = PitchTracker.Track(Tone(0.5, _ => 0.3 * (random.NextDouble() * 2 - 1)), Rate);
        Assert.True(noise.Active.Count(a => a) > noise.Frames * 0.9);
        Assert.True(noise.F0.Count(double.IsFinite) < noise.Frames * 0.1);
    }

    [Fact]
    public void QuietPartsOfALoudRecordingAreNotActive()
    {
        // 0.3 s of tone, 0.3 s at −50 dB below it: the quiet half is below the active range.
        var x = Tone(0.6, t => (t < 0.3 ? 0.3 : 0.3 * Math.Pow(10, -2.5)) * Math.Sin(2 * Math.PI * 200 * t));
        var track = PitchTracker.Track(x, Rate);
        Assert.True(track.Active[10] && !track.Active[50]);
        Assert.True(double.IsFinite(track.F0[10]) && double.IsNaN(track.F0[50]));
    }

    [Fact]
    public void ABadRangeIsRefused()
    {
        Assert.Throws<ArgumentException>(() => PitchTracker.Track(new float[100], Rate, new PitchTrackerOptions { MinHz = 300, MaxHz = 200 }));
        Assert.Throws<ArgumentException>(() => PitchTracker.Track(new float[100], 800, PitchTrackerOptions.Default));
        Assert.Equal(0, PitchTracker.Track([], Rate).Frames);
    }
}
