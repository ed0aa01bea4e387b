using Michi.Audio;
using Michi.Data.Corpus;
using Michi.Data.Synthesis;

namespace Michi.Data.Tests;

public sealed class CorpusSynthesizerTests : IDisposable
{
    readonly List<string> _dirs = [];

    public void Dispose()
    {
        foreach (string dir in _dirs) Directory.Delete(dir, recursive: true);
    }

    static readonly string[] Lines = ["the first line", "a second, longer line of text", "third", "and the fourth one here"];

    string TempDir()
    {
        string dir = Directory.CreateTempSubdirectory("michi-data-tests-").FullName;
        _dirs.Add(dir);
        return dir;
    }

    static SynthesisRequest Request(FakeEngine engine, string dir, double? hours = null, int workers = 1, long seed = 0) =>
        new(Lines, [.. engine.Voices.Select(v => new EngineVoice(engine, v))], dir, hours, workers, new SynthesisOptions { Seed = seed });

    [Fact]
    public async Task WritesWavAndJsonPerUtterance()
    {
        string dir = TempDir();
        var engine = new FakeEngine();
        var summary = await CorpusSynthesizer.RunAsync(Request(engine, dir));
        Assert.Equal(4, summary.Utterances);
        Assert.Equal(4, summary.Synthesized);
        for (int i = 0; i < 4; i++)
        {
            string name = SynthesisPlan.NameOf(i);
            var record = UtteranceRecord.Read(Path.Combine(dir, name + ".json"));
            var (samples, rate) = WavFile.ReadMono(Path.Combine(dir, name + ".wav"));
            Assert.Equal(24000, rate);
            Assert.Equal(record.Samples, samples.Length);
            Assert.Equal(Lines[i], record.Text);
            Assert.Equal(TextWords.Split(Lines[i]).Length, record.Words.Count);
            Assert.Equal("engine_events", record.Timing);
            Assert.StartsWith("fake:", record.Voice);
        }
        Assert.Empty(Directory.GetFiles(dir, "*.tmp*"));
    }

    [Fact]
    public async Task SecondRunSkipsCompleteUtterancesAndRedoesBrokenOnes()
    {
        string dir = TempDir();
        await CorpusSynthesizer.RunAsync(Request(new FakeEngine(), dir));
        File.WriteAllText(Path.Combine(dir, "000001.json"), "{ truncated");   // a crash mid-write elsewhere
        File.Delete(Path.Combine(dir, "000002.wav"));
        var engine = new FakeEngine();
        var summary = await CorpusSynthesizer.RunAsync(Request(engine, dir));
        Assert.Equal(2, engine.Calls);
        Assert.Equal(2, summary.Skipped);
        Assert.Equal(2, summary.Synthesized);
        Assert.Equal(Lines[1], UtteranceRecord.Read(Path.Combine(dir, "000001.json")).Text);
    }

    [Fact]
    public async Task ADifferentSeedIsNotMistakenForComplete()
    {
        string dir = TempDir();
        await CorpusSynthesizer.RunAsync(Request(new FakeEngine(), dir, seed: 1));
        var engine = new FakeEngine();
        await CorpusSynthesizer.RunAsync(Request(engine, dir, seed: 2));
        Assert.Equal(4, engine.Calls);
    }

    [Fact]
    public async Task HoursStopAtTheSamePrefixWhateverTheWorkers()
    {
        double oneUtterance = FakeEngine.Speak(Lines[0]).DurationSeconds;
        double hours = 5.5 * oneUtterance / 3600;  // a few utterances' worth, cycling the text
        string one = TempDir(), three = TempDir();
        var a = await CorpusSynthesizer.RunAsync(Request(new FakeEngine(), one, hours, workers: 1));
        var b = await CorpusSynthesizer.RunAsync(Request(new FakeEngine(), three, hours, workers: 3));
        Assert.Equal(a.Utterances, b.Utterances);
        Assert.True(a.Utterances > Lines.Length);  // it cycled
        Assert.True(a.Seconds >= hours * 3600);
        for (int i = 0; i < a.Utterances; i++)
        {
            string name = SynthesisPlan.NameOf(i) + ".json";
            Assert.Equal(File.ReadAllText(Path.Combine(one, name)), File.ReadAllText(Path.Combine(three, name)));
        }
    }

    [Fact]
    public async Task FailuresAreReportedAndTheRestIsWritten()
    {
        string dir = TempDir();
        var engine = new FakeEngine { FailsOn = t => t == "third" };
        var summary = await CorpusSynthesizer.RunAsync(Request(engine, dir));
        Assert.Equal(1, summary.Failed);
        Assert.Contains("000002", summary.Errors[0]);
        Assert.False(File.Exists(Path.Combine(dir, "000002.json")));
        Assert.True(File.Exists(Path.Combine(dir, "000003.json")));
    }

    [Fact]
    public async Task AnEngineThatAlwaysFailsStopsTheRun()
    {
        string dir = TempDir();
        var engine = new FakeEngine { FailsOn = _ => true };
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => CorpusSynthesizer.RunAsync(Request(engine, dir, hours: 1)));
        Assert.Contains("failures in a row", e.Message);
    }

    [Fact]
    public async Task CancellationLeavesOnlyCompleteFiles()
    {
        string dir = TempDir();
        using var cts = new CancellationTokenSource();
        int seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            CorpusSynthesizer.RunAsync(Request(new FakeEngine(), dir, hours: 1), _ => { if (++seen == 3) cts.Cancel(); }, cts.Token));
        foreach (string json in Directory.GetFiles(dir, "*.json"))
            Assert.NotNull(CorpusSynthesizer.CompleteDuration(dir, SynthesisPlan.For(int.Parse(Path.GetFileNameWithoutExtension(json)),
                Lines, [.. new FakeEngine().Voices.Select(v => v.Id)], new SynthesisOptions()), 0));
        Assert.Empty(Directory.GetFiles(dir, "*.tmp*"));
    }
}
