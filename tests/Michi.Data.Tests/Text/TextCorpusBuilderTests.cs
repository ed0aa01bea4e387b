// TextCorpusBuilder end to end on a small raw directory made here: the files it writes,
// deduplication within and across sources, the stable split, idempotent re-runs, and bad input
// reported per file (a run fails only when nothing usable is found).
using System.Text;
using Michi.Data.Text;

namespace Michi.Data.Tests.Text;

public sealed class TextCorpusBuilderTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("michi-text-").FullName;
    string Raw => Path.Combine(_dir, "raw");
    string Out => Path.Combine(_dir, "out");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    void WriteRaw(string source, string file, string text)
    {
        Directory.CreateDirectory(Path.Combine(Raw, source));
        File.WriteAllText(Path.Combine(Raw, source, file), text);
    }

    static string Sentences(string prefix, int count) =>
        string.Join(' ', Enumerable.Range(0, count).Select(i => $"{prefix} sentence number {i} is here."));

    string[] Lines(string corpus, string file) => File.ReadAllLines(Path.Combine(Out, corpus, file));

    [Fact]
    public void WritesEachSourceAndTheUnion_WithStats()
    {
        WriteRaw("sotu", "1790_george_washington_n.txt", Sentences("Sotu", 300) + " Shared words of two sources. Shared words of two sources.");
        WriteRaw("fortunes", "wisdom", "Shared words of two sources.\n%\n" + Sentences("Fortune", 200) + "\n");
        var result = TextCorpusBuilder.Build(Raw, Out, new TextCorpusOptions());

        Assert.Equal(["fortunes", "sotu", "all"], result.Corpora.Select(c => c.Name));
        var sotu = result.Corpora[1];
        Assert.Equal(1, sotu.Duplicates);
        Assert.Equal(301, sotu.Train.Lines + sotu.Validation.Lines);
        var all = result.Corpora[2];
        Assert.Equal(200 + 300 + 1, all.Train.Lines + all.Validation.Lines); // the shared sentence once
        Assert.Equal(2, all.Duplicates);                                     // once in sotu, once across

        string[] train = Lines("sotu", TextCorpusBuilder.TrainFile);
        string[] validation = Lines("sotu", TextCorpusBuilder.ValidationFile);
        Assert.Empty(train.Intersect(validation));
        Assert.Equal(sotu.Train.Lines, train.Length);
        Assert.Equal(train.Sum(l => l.Split(' ').Length), sotu.Train.Words);
        Assert.Equal(train.Sum(l => l.Length), sotu.Train.Characters);
        Assert.Equal(new FileInfo(Path.Combine(Out, "sotu", TextCorpusBuilder.TrainFile)).Length, sotu.Train.Bytes);
        Assert.Equal(sotu, TextCorpusStats.Read(Path.Combine(Out, "sotu", TextCorpusStats.FileName)) with
        {
            Sources = sotu.Sources, Dropped = sotu.Dropped,
        });
        // Document order is kept within each split.
        var numbers = train.Where(l => l.StartsWith("Sotu", StringComparison.Ordinal)).Select(l => int.Parse(l.Split(' ')[3])).ToList();
        Assert.Equal(numbers.Order(), numbers);
        Assert.True(numbers.Count > 250);
    }

    [Fact]
    public void SplitIsStableWhenSourcesGrow_AndTheSameInTheUnion()
    {
        WriteRaw("moby-dick", "chapter_1.txt", Sentences("Whale", 400));
        TextCorpusBuilder.Build(Raw, Out, new TextCorpusOptions { ValidationFraction = 0.05 });
        var before = Lines("moby-dick", TextCorpusBuilder.ValidationFile);
        Assert.NotEmpty(before);

        WriteRaw("moby-dick", "chapter_2.txt", Sentences("Ship", 400));
        WriteRaw("other", "notes.txt", Sentences("Note", 100));
        TextCorpusBuilder.Build(Raw, Out, new TextCorpusOptions { ValidationFraction = 0.05 });
        var after = Lines("moby-dick", TextCorpusBuilder.ValidationFile);
        Assert.Equal(before, after.Where(l => l.StartsWith("Whale", StringComparison.Ordinal)));
        Assert.Equal(Lines("moby-dick", TextCorpusBuilder.ValidationFile).Concat(Lines("other", TextCorpusBuilder.ValidationFile)).Order(),
                     Lines("all", TextCorpusBuilder.ValidationFile).Order());
    }

    [Fact]
    public void FilesAreReadInNaturalOrder()
    {
        WriteRaw("moby-dick", "chapter_10.txt", "Chapter ten comes last here.");
        WriteRaw("moby-dick", "chapter_2.txt", "Chapter two comes first here.");
        TextCorpusBuilder.Build(Raw, Out, new TextCorpusOptions { ValidationFraction = 0 });
        Assert.Equal(["Chapter two comes first here.", "Chapter ten comes last here."], Lines("moby-dick", TextCorpusBuilder.TrainFile));
    }

    [Fact]
    public void ReRunWritesIdenticalBytes_AndLeavesNoTempFiles()
    {
        WriteRaw("sotu", "a.txt", Sentences("Sotu", 200));
        WriteRaw("fortunes", "f", Sentences("Fortune", 50));
        TextCorpusBuilder.Build(Raw, Out, new TextCorpusOptions());
        var first = Directory.GetFiles(Out, "*", SearchOption.AllDirectories).Order().ToDictionary(p => p, File.ReadAllBytes);
        TextCorpusBuilder.Build(Raw, Out, new TextCorpusOptions());
        var second = Directory.GetFiles(Out, "*", SearchOption.AllDirectories).Order().ToDictionary(p => p, File.ReadAllBytes);
        Assert.Equal(first.Keys, second.Keys);
        foreach (var (path, bytes) in first) Assert.Equal(bytes, second[path]);
        Assert.DoesNotContain(first.Keys, p => p.EndsWith(".tmp", StringComparison.Ordinal));
        Assert.Equal(9, first.Count); // 3 corpora × train, validation, stats
    }

    [Fact]
    public void BadFilesAreReportedAndSkipped_TheRestIsBuilt()
    {
        WriteRaw("sotu", "good.txt", Sentences("Good", 20));
        File.WriteAllBytes(Path.Combine(Raw, "sotu", "junk.txt"), [0x7F, 0x45, 0x4C, 0x46, 0, 0, 1, 2, 3, 0xFF]);
        File.WriteAllBytes(Path.Combine(Raw, "sotu", "latin1.txt"), Encoding.Latin1.GetBytes("Caf\u00e9 cr\u00e8me \u00e0 la fa\u00e7on. " + new string('\u00e9', 50)));
        WriteRaw("sotu", "tables.txt", "1,234 ... 5,678 ... 9,012\n");
        WriteRaw("empty-source", "x.md", "not a txt file");
        Directory.CreateDirectory(Path.Combine(Raw, TextSources.AllName));
        Directory.CreateDirectory(Path.Combine(Raw, ".hidden"));

        var result = TextCorpusBuilder.Build(Raw, Out, new TextCorpusOptions());
        string Problem(string name) => Assert.Single(result.Reports, r => Path.GetFileName(r.Path) == name).Problem;
        Assert.Contains("binary", Problem("junk.txt"));
        Assert.Contains("not UTF-8", Problem("latin1.txt"));
        Assert.Contains("no usable sentences", Problem("tables.txt"));
        Assert.Contains("no readable text files", result.Reports.First(r => Path.GetFileName(r.Path) == "empty-source").Problem);
        Assert.Contains("union corpus", Problem(TextSources.AllName));
        Assert.DoesNotContain(result.Reports, r => r.Path.Contains(".hidden", StringComparison.Ordinal));
        Assert.Equal(["sotu", "all"], result.Corpora.Select(c => c.Name));
        Assert.Equal(20, result.Corpora[0].Train.Lines + result.Corpora[0].Validation.Lines);
    }

    [Fact]
    public void NothingUsable_OrNoRawDirectory_Throws()
    {
        Assert.Throws<InvalidInputException>(() => TextCorpusBuilder.Build(Raw, Out, new TextCorpusOptions()));
        WriteRaw("sotu", "junk.txt", "\0\0\0");
        WriteRaw("fortunes", "f", "ALL CAPS ONLY.\n%\n12 34 56\n");
        var seen = new List<TextFileReport>();
        var e = Assert.Throws<InvalidInputException>(() => TextCorpusBuilder.Build(Raw, Out, new TextCorpusOptions(), report: seen.Add));
        Assert.Contains("no usable text", e.Message);
        Assert.Contains(seen, r => Path.GetFileName(r.Path) == "junk.txt" && r.Problem.Contains("binary"));
        Assert.Contains(seen, r => Path.GetFileName(r.Path) == "f" && r.Problem.Contains("no usable sentences"));
        Assert.False(Directory.Exists(Path.Combine(Out, "all")));
    }
}
