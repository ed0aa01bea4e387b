using Michi.Audio;
using Michi.Training;

namespace Michi.Training.Tests.Training;

public class AudioFolderTests
{
    [Fact]
    public void FindsWavsRecursivelyAndConvertsThemAtTheEdge()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Combine("a", "b"));
        WavFile.Write(dir.Combine("one.wav"), TestSignals.Sine(24000, 440), 24000);
        WavFile.Write(dir.Combine("a", "b", "TWO.WAV"), TestSignals.Sine(16000, 220, 16000), 16000);
        var stereo = new AudioBuffer([TestSignals.Sine(4800, 300), TestSignals.Sine(4800, 300)], 48000);
        WavFile.Write(dir.Combine("a", "three.wav"), stereo);
        File.WriteAllText(dir.Combine("notes.txt"), "not audio");

        var folder = AudioFolder.Load(dir.Path, 24000, validationFiles: 1);
        Assert.Equal(2, folder.Training.Count);
        Assert.Single(folder.Validation);
        var all = folder.Training.Concat(folder.Validation).ToDictionary(c => c.RelativePath.Replace('\\', '/'), c => c.Samples.Length);
        Assert.Equal(24000, all["one.wav"]);
        Assert.Equal(24000, all["a/b/TWO.WAV"]);      // 1 s at 16 kHz → 1 s at 24 kHz
        Assert.Equal(2400, all["a/three.wav"]);       // 0.1 s at 48 kHz, stereo → mono 24 kHz
        // The split depends on the paths only.
        var again = AudioFolder.Load(dir.Path, 24000, validationFiles: 1);
        Assert.Equal(folder.Validation[0].RelativePath, again.Validation[0].RelativePath);
    }

    [Fact]
    public void CropsAreSeededAndPadShortFiles()
    {
        using var dir = new TempDir();
        WavFile.Write(dir.Combine("long.wav"), TestSignals.Chirp(48000, 100, 4000), 24000, WavSampleFormat.Float32);
        WavFile.Write(dir.Combine("short.wav"), TestSignals.Sine(1000, 440), 24000, WavSampleFormat.Float32);
        var folder = AudioFolder.Load(dir.Path, 24000, validationFiles: 0);
        Assert.Empty(folder.Validation);
        var a = new float[8 * 4000];
        var b = new float[8 * 4000];
        folder.SampleBatch(new TrainingRandom(5), a, 8, 4000);
        folder.SampleBatch(new TrainingRandom(5), b, 8, 4000);
        Assert.Equal(a, b);
        var c = new float[8 * 4000];
        folder.SampleBatch(new TrainingRandom(6), c, 8, 4000);
        Assert.NotEqual(a, c);
        // With 16 000 draws over 49 000 samples the short file (1000 samples) is picked about 2 % of the time;
        // its crops are the file followed by zeros.
        var random = new TrainingRandom(9);
        var one = new float[4000];
        bool sawShort = false;
        for (int i = 0; i < 2000 && !sawShort; i++)
        {
            folder.SampleBatch(random, one, 1, 4000);
            sawShort = one.AsSpan(1000).IndexOfAnyExcept(0f) < 0;
        }
        Assert.True(sawShort);
    }

    [Fact]
    public void BadFoldersAreClearErrors()
    {
        using var dir = new TempDir();
        var missing = Assert.Throws<InvalidInputException>(() => AudioFolder.Load(dir.Combine("nope"), 24000, 1));
        Assert.Contains("not found", missing.Message);
        var none = Assert.Throws<InvalidInputException>(() => AudioFolder.Load(dir.Path, 24000, 1));
        Assert.Contains("no .wav files", none.Message);
        WavFile.Write(dir.Combine("empty.wav"), ReadOnlySpan<float>.Empty, 24000);
        var empty = Assert.Throws<InvalidInputException>(() => AudioFolder.Load(dir.Path, 24000, 1));
        Assert.Contains("empty", empty.Message);
        File.WriteAllText(dir.Combine("broken.wav"), "RIFF but not really");
        Assert.Throws<InvalidInputException>(() => AudioFolder.Load(dir.Path, 24000, 1));
    }
}
