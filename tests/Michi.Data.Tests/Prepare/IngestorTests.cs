// Each corpus layout `data prepare` reads, on a tiny fake copy: what it finds, what the prepared
// utterance is called, whose voice it is, which text it carries, and that audio ends up 24 kHz.
using Michi.Audio;
using Michi.Data.Corpus;
using Michi.Data.Prepare;
using Michi.Data.Tests.Shards;
using static Michi.Data.Tests.Prepare.PrepareFixture;

namespace Michi.Data.Tests.Prepare;

public class IngestorTests
{
    static UtteranceRecord Read(PrepareConfig config, string name) => UtteranceRecord.Read(Path.Combine(SpeechDir(config), name + ".json"));

    [Fact]
    public async Task LibriTtsLayoutUsesNormalizedThenOriginalText()
    {
        string root = TempDir(), corpus = Path.Combine(root, "LibriTTS", "train-clean-100");
        string a = Path.Combine(corpus, "84", "121123", "84_121123_000007_000000");
        Wav(a + ".wav", Speech(3, rate: 16000), 16000);
        WriteText(a + ".normalized.txt", "Hello there, world.");
        WriteText(a + ".original.txt", "HELLO there world");
        string b = Path.Combine(corpus, "174", "50561", "174_50561_000001_000002");
        Wav(b + ".wav", Speech(2));
        WriteText(b + ".original.txt", "Only original.");
        var config = Config(root, sources: ("libritts", corpus));

        var report = await Run(config);

        Assert.Empty(report.Manifest.Failures);
        Assert.Equal(2, report.Prepared);
        var ra = Read(config, "libritts-84_121123_000007_000000");
        Assert.Equal("Hello there, world.", ra.Text);
        Assert.Equal("libritts:84", ra.Voice);
        Assert.Equal("libritts", ra.Engine);
        Assert.Equal(24000, ra.SampleRate);
        Assert.Equal(Resampler.OutputLength(Speech(3, rate: 16000).Length, 16000, 24000), ra.Samples);
        Assert.Equal(3, ra.Words.Count);
        Assert.Equal("energy_estimate", ra.Timing);
        // The estimate finds the bursts: word k starts near 0.2 + 0.55 k s.
        for (int k = 0; k < 3; k++) Assert.InRange(ra.Words[k].Start, 0.2 + 0.55 * k - 0.05, 0.2 + 0.55 * k + 0.05);
        Assert.Equal("Only original.", Read(config, "libritts-174_50561_000001_000002").Text);
        Assert.Equal("libritts:174", Read(config, "libritts-174_50561_000001_000002").Voice);
        var (samples, rate) = WavFile.ReadMono(Path.Combine(SpeechDir(config), "libritts-84_121123_000007_000000.wav"));
        Assert.Equal((24000, ra.Samples), (rate, (long)samples.Length));
    }

    [Fact]
    public async Task LjSpeechMetadataPrefersTheNormalizedColumn()
    {
        string root = TempDir(), corpus = Path.Combine(root, "LJSpeech-1.1");
        Wav(Path.Combine(corpus, "wavs", "LJ001-0001.wav"), Speech(2, rate: 22050), 22050);
        Wav(Path.Combine(corpus, "wavs", "LJ001-0002.wav"), Speech(3, rate: 22050), 22050);
        WriteText(Path.Combine(corpus, "metadata.csv"),
            "LJ001-0001|Dr. Smith|Doctor Smith\nLJ001-0002|one two three|\nLJ001-0003|listed but missing|listed but missing\nno separator here\n");
        var config = Config(root, sources: ("ljspeech", corpus));

        var report = await Run(config);

        Assert.Equal(2, report.Manifest.Utterances);
        Assert.Equal("Doctor Smith", Read(config, "ljspeech-LJ001-0001").Text);
        Assert.Equal("one two three", Read(config, "ljspeech-LJ001-0002").Text);
        Assert.Equal("ljspeech:lj", Read(config, "ljspeech-LJ001-0002").Voice);
        Assert.Equal(["ljspeech/metadata.csv:4", "ljspeech/wavs/LJ001-0003.wav"], report.Manifest.Failures.Select(f => f.Input));
        Assert.Contains("no such file", report.Manifest.Failures[1].Reason);
    }

    [Fact]
    public async Task FolderTakesTxtOrLabAndTranscribesTheRest()
    {
        string root = TempDir(), corpus = Path.Combine(root, "mine");
        Wav(Path.Combine(corpus, "alice", "one.wav"), Speech(2));
        WriteText(Path.Combine(corpus, "alice", "one.txt"), "  first\n file ");
        Wav(Path.Combine(corpus, "bob", "two.wav"), Speech(1, rate: 48000), 48000);
        WriteText(Path.Combine(corpus, "bob", "two.lab"), "second");
        Wav(Path.Combine(corpus, "three.wav"), Speech(2));
        var config = Config(root, sources: ("folder", corpus));

        var without = await Run(config);
        Assert.Equal(2, without.Manifest.Utterances);
        var failure = Assert.Single(without.Manifest.Failures);
        Assert.Equal("folder/three.wav", failure.Input);
        Assert.Contains("no transcript", failure.Reason);

        var transcriber = new FakeTranscriber("heard words");
        var with = await Run(config, transcriber: transcriber);
        Assert.Empty(with.Manifest.Failures);
        Assert.Equal((1, 2), (with.Prepared, with.AlreadyDone));
        Assert.Equal(1, transcriber.Calls);
        Assert.Equal("first file", Read(config, "folder-alice_one").Text);
        Assert.Equal("folder:alice", Read(config, "folder-alice_one").Voice);
        Assert.Equal("second", Read(config, "folder-bob_two").Text);
        Assert.Equal("heard words", Read(config, "folder-three").Text);
        Assert.Equal("folder", Read(config, "folder-three").Voice);
    }

    [Fact]
    public async Task SyntheticKeepsExactTimesAndVoice()
    {
        string root = TempDir(), corpus = Path.Combine(root, "synth");
        Directory.CreateDirectory(corpus);
        ShardFixture.WriteUtterance(corpus, "000000", 2.0, [("hi", 0.30, 0.55), ("there", 0.90, 1.40)], voice: "fake:a");
        ShardFixture.WriteUtterance(corpus, "000001", 1.6, [("go", 0.50, 1.00)], voice: "fake:b", rate: 16000);
        var config = Config(root, sources: ("synthetic", corpus));

        var report = await Run(config);

        Assert.Empty(report.Manifest.Failures);
        var a = Read(config, "synthetic-000000");
        Assert.Equal(("fake:a", "fake", "engine_events", "hi there", 48000L), (a.Voice, a.Engine, a.Timing, a.Text, a.Samples));
        Assert.Equal([("hi", 0.30, 0.55), ("there", 0.90, 1.40)], a.Words.Select(w => (w.Word, w.Start, w.End)));
        var b = Read(config, "synthetic-000001");
        Assert.Equal(("fake:b", "engine_events", 24000, 38400L), (b.Voice, b.Timing, b.SampleRate, b.Samples));
        Assert.Equal(0.5, b.Words[0].Start);
    }

    [Fact]
    public async Task TwoSourcesKeepTheirNamesApart()
    {
        string root = TempDir();
        Wav(Path.Combine(root, "a", "x.wav"), Speech(1));
        WriteText(Path.Combine(root, "a", "x.txt"), "one");
        Wav(Path.Combine(root, "b", "x.wav"), Speech(1));
        WriteText(Path.Combine(root, "b", "x.txt"), "two");
        var config = new PrepareConfig
        {
            Output = "out", Aligner = "energy",
            Sources = [new() { Type = "folder", Path = "a", Name = "a" }, new() { Type = "folder", Path = "b", Name = "b", Speaker = "bob" }],
        }.Validated(Path.Combine(root, "config.json"), root);

        var report = await Run(config, workers: 2);

        Assert.Equal(["a-x", "b-x"], report.Manifest.Inputs.SelectMany(i => i.Outputs).Select(o => o.Name));
        Assert.Equal("bob", Read(config, "b-x").Voice);
        Assert.Equal("two", Read(config, "b-x").Text);
    }
}
