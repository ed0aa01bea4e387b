// flite's clustergen voices mix random noise into their excitation (libc rand() in cst_mlsa.c);
// FliteEngine seeds it per utterance, so the same utterance gives the same samples every time,
// whatever was synthesised (or drew from rand()) before it.
using Michi.Data.Synthesis;

namespace Michi.Data.Tests;

public class FliteDeterminismTests
{
    const string Text = "The birch canoe slid on the smooth planks.";

    static ITtsEngine Flite() => VoiceCatalog.Installed().Engines.Single(e => e.Name == "flite");

    [Theory]
    [InlineData("rms")]
    [InlineData("slt")]
    public async Task SameUtteranceGivesIdenticalSamples(string voice)
    {
        var flite = Flite();
        Assert.True(flite.IsAvailable(), "flite is not installed: apt install flite");
        var first = await flite.SynthesizeAsync(Text, voice, 1.0, 1.0);
        // Something else in between moves libc's random state: another utterance, then rand() itself.
        await flite.SynthesizeAsync("Something else entirely.", voice, 1.1, 0.9);
        for (int i = 0; i < 1000; i++) LibcRand();
        var second = await flite.SynthesizeAsync(Text, voice, 1.0, 1.0);
        Assert.Equal(first.Samples24k.Length, second.Samples24k.Length);
        int differing = first.Samples24k.Zip(second.Samples24k).Count(p => p.First != p.Second);
        Assert.True(differing == 0, $"{differing} of {first.Samples24k.Length} samples differ");
        Assert.Equal(first.Words, second.Words);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "rand")]
    static extern int LibcRand();
}
