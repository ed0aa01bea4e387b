using Michi.Audio;
using Michi.Data.Dialogues;
using Michi.Data.Synthesis;

namespace Michi.Data.Tests.Dialogues;

public sealed class DialogueWriterTests : IDisposable
{
    readonly List<string> _dirs = [];

    public void Dispose()
    {
        foreach (string dir in _dirs) Directory.Delete(dir, recursive: true);
    }

    string TempDir()
    {
        string dir = Directory.CreateTempSubdirectory("michi-dialogue-tests-").FullName;
        _dirs.Add(dir);
        return dir;
    }

    static DialogueRequest Request(FakeEngine engine, string dir, int count = 6, int workers = 1, long seed = 0, double? hours = null) =>
        new(DialogueTestData.Lines, DialogueTestData.Voices(engine), dir, count, hours, workers,
            new DialogueOptions { Seed = seed, OverlapRatio = 0.3, InterruptionRatio = 0.3, BackchannelRate = 10 });

    [Fact]
    public async Task SameSeedSameBytesWhateverTheWorkers()
    {
        string a = TempDir(), b = TempDir(), c = TempDir();
        var engine = new FakeEngine("fake", "a", "b", "c");
        await DialogueWriter.RunAsync(Request(engine, a, workers: 1, seed: 4));
        await DialogueWriter.RunAsync(Request(engine, b, workers: 3, seed: 4));
        await DialogueWriter.RunAsync(Request(engine, c, workers: 1, seed: 5));
        var files = Directory.GetFiles(a).Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(12, files.Length);
        Assert.Equal(files, Directory.GetFiles(b).Select(Path.GetFileName).Order());
        foreach (string? f in files)
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, f!)), File.ReadAllBytes(Path.Combine(b, f!)));
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(a, "000000.json")), File.ReadAllBytes(Path.Combine(c, "000000.json")));
    }

    [Fact]
    public async Task WritesTwoChannelWavAndResumes()
    {
        string dir = TempDir();
        var summary = await DialogueWriter.RunAsync(Request(new FakeEngine(), dir, count: 4));
        Assert.Equal((4, 4, 0), (summary.Dialogues, summary.Made, summary.Skipped));
        Assert.Equal(summary.EventCounts[DialogueEvent.Turn], Enumerable.Range(0, 4)
            .Sum(i => DialogueRecord.Read(Path.Combine(dir, DialoguePlanner.NameOf(i) + ".json")).Count(DialogueEvent.Turn)));
        var info = WavFile.ReadInfo(Path.Combine(dir, "000000.wav"));
        Assert.Equal((24000, 2, 16), (info.SampleRate, info.Channels, info.BitsPerSample));
        Assert.Empty(Directory.GetFiles(dir, "*.tmp*"));

        File.WriteAllText(Path.Combine(dir, "000002.json"), "{ truncated");
        var engine = new FakeEngine();
        var again = await DialogueWriter.RunAsync(Request(engine, dir, count: 4));
        Assert.Equal((1, 3), (again.Made, again.Skipped));
        Assert.True(engine.Calls > 0);
        var other = await DialogueWriter.RunAsync(Request(new FakeEngine(), dir, count: 4) with { Options = new DialogueOptions { OverlapRatio = 0.5 } });
        Assert.Equal(4, other.Made);   // other options: other plans, all stale
    }

    [Fact]
    public async Task HoursCountDialoguesUntilTheTarget()
    {
        string dir = TempDir();
        var s = await DialogueWriter.RunAsync(Request(new FakeEngine(), dir, count: 0, hours: 60.0 / 3600, workers: 2));
        Assert.True(s.Seconds >= 60, $"{s.Seconds} s");
        double withoutLast = Enumerable.Range(0, s.Dialogues - 1).Sum(i => DialogueRecord.Read(Path.Combine(dir, DialoguePlanner.NameOf(i) + ".json")).Duration);
        Assert.True(withoutLast < 60);
    }

    [Fact]
    public async Task WordsSitOnTheirOwnChannelsEnergyAndNowhereElse()
    {
        string dir = TempDir();
        await DialogueWriter.RunAsync(Request(new FakeEngine(), dir, count: 8));
        for (int i = 0; i < 8; i++)
        {
            string name = DialoguePlanner.NameOf(i);
            var record = DialogueRecord.Read(Path.Combine(dir, name + ".json"));
            var audio = WavFile.Read(Path.Combine(dir, name + ".wav"));
            Assert.Equal(record.Samples, audio.Frames);
            Assert.Equal(["user", "assistant"], record.Channels.Select(c => c.Role));
            for (int c = 0; c < 2; c++)
            {
                bool[] active = DialogueTestData.Active(audio.Channels[c]);
                var words = record.Channels[c].Words;
                // Every word has sound under it in its own channel …
                foreach (var w in words.Where(w => w.End - w.Start >= 0.04))
                {
                    int a = (int)Math.Ceiling((w.Start + 0.01) / 0.01), b = (int)Math.Floor((w.End - 0.01) / 0.01);
                    int on = Enumerable.Range(a, b - a).Count(h => active[h]);
                    Assert.True(on >= 0.9 * (b - a), $"{name} {record.Channels[c].Role} '{w.Word}' {w.Start}-{w.End}: {on}/{b - a} hops with sound");
                }
                // … and every bit of sound in a channel belongs to one of that channel's words:
                // the other speaker's words (and dropped words) never leak in.
                for (int h = 0; h < active.Length; h++)
                    if (active[h])
                    {
                        double t = h * 0.01 + 0.005;
                        Assert.True(words.Any(w => t >= w.Start - 0.03 && t <= w.End + 0.03),
                                    $"{name} {record.Channels[c].Role}: sound at {t:0.000} s outside its words");
                    }
            }
        }
    }

    [Fact]
    public async Task TwoVoicesAreNeededAndEngineFailuresAreReported()
    {
        string dir = TempDir();
        var one = new FakeEngine("fake", "only");
        await Assert.ThrowsAsync<InvalidInputException>(() => DialogueWriter.RunAsync(Request(one, dir)));
        var failing = new FakeEngine { FailsOn = t => t.StartsWith("Not very") };
        var s = await DialogueWriter.RunAsync(Request(failing, dir, count: 3));
        Assert.True(s.Failed >= 1);
        Assert.All(s.Errors, e => Assert.Contains("fake failure", e));
    }
}
