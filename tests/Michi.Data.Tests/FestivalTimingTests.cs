// Festival's exact word times are checked against the audio: us3_mbrola sometimes stops
// mid-utterance (this sentence at this rate and pitch gave 0.61 s of audio for 3.55 s of words),
// and that is a synthesis error, reported and skipped by data synth, never a record whose word
// times lie past its audio. SynthOutput.Consistent states what usable word times are.
using Michi.Data.Synthesis;

namespace Michi.Data.Tests;

public class FestivalTimingTests
{
    [Fact]
    public void ConsistencyCheckCatchesEndsBeforeStartsAndDisorder()
    {
        WordTiming W(double s, double e) => new("w", s, e);
        Assert.True(SynthOutput.Consistent([W(0.1, 0.3), W(0.3, 0.5), W(0.5, 0.5)], 1.0));
        Assert.False(SynthOutput.Consistent([W(0.1, 0.3), W(0.697, 0.6132)], 1.0));          // end before start
        Assert.False(SynthOutput.Consistent([W(0.4, 0.5), W(0.2, 0.3)], 1.0));               // starts out of order
        Assert.False(SynthOutput.Consistent([W(0.1, 1.5)], 1.0));                            // past the audio
        Assert.False(SynthOutput.Consistent([W(double.NaN, 0.2)], 1.0));
    }

    [Fact]
    public async Task TruncatedMbrolaAudioIsAnErrorNotBadTimes()
    {
        const string text = "I went to a Grateful Dead Concert and they played for SEVEN hours.";
        var engine = new FestivalEngine();
        try
        {
            var result = await engine.SynthesizeAsync(text, "us3_mbrola", 1.0418, 1.0208);
            // If this mbrola build does not stop early, the times must still fit the audio.
            Assert.True(SynthOutput.Consistent(result.Words, result.Samples24k.Length / (double)SynthResult.SampleRate));
        }
        catch (InvalidOperationException e)
        {
            Assert.Contains("stopped early", e.Message);
        }
    }
}
