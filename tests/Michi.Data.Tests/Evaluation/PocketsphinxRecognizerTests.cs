// The real recogniser (installed by scripts/setup.sh) on a sentence spoken by flite: it must
// hear it nearly right, and must not hear it in silence. Also the stdout parsing.
using Michi.Data.Evaluation;
using Michi.Data.Synthesis;

namespace Michi.Data.Tests.Evaluation;

public class PocketsphinxRecognizerTests
{
    [Fact]
    public async Task RecognisesASynthesisedSentence()
    {
        var recognizer = PocketsphinxRecognizer.Default;
        Assert.True(recognizer.IsAvailable(), $"pocketsphinx is not installed: apt install {PocketsphinxRecognizer.InstallHint}");
        var flite = VoiceCatalog.Installed().Engines.Single(e => e.Name == "flite");
        Assert.True(flite.IsAvailable(), $"flite is not installed: apt install {flite.InstallHint}");
        const string text = "The quick brown fox jumps over the lazy dog.";
        var speech = await flite.SynthesizeAsync(text, "slt", 1.0, 1.0);   // 24 kHz: exercises the resampling to 16 kHz

        string heard = await recognizer.RecognizeAsync(speech.Samples24k, SynthResult.SampleRate);
        double wer = WordErrorRate.Count(text, heard).Rate;
        Assert.True(wer <= 0.34, $"WER {wer:0.00}: heard \"{heard}\"");

        string silence = await recognizer.RecognizeAsync(new float[16000], 16000);
        Assert.True(WordErrorRate.Normalize(silence).Count <= 1, $"heard \"{silence}\" in silence");
    }

    [Fact]
    public void ParsesSegmentsAndDropsFillers()
    {
        Assert.Equal("hello world read it", PocketsphinxRecognizer.ParseHypothesis("hello <sil> world\n[NOISE] read(2) +um+ it\n\n"));
        Assert.Equal("", PocketsphinxRecognizer.ParseHypothesis("\n"));
    }

    [Fact]
    public async Task MissingModelIsABadInput()
    {
        var recognizer = new PocketsphinxRecognizer(Path.Combine(Path.GetTempPath(), "no-such-model-" + Guid.NewGuid().ToString("N")));
        Assert.False(recognizer.IsAvailable());
        var e = await Assert.ThrowsAsync<Michi.InvalidInputException>(() => recognizer.RecognizeAsync(new float[100], 16000));
        Assert.Contains("apt install", e.Message);
    }
}
