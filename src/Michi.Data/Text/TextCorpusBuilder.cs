// Builds the text corpora from a raw directory (scripts/fetch-text.sh fills it): every folder
// RAW/NAME is one source, read in its format (TextSources), cleaned to one sentence per line
// (TextCleaner), deduplicated (CorpusSplit.DedupKey; the first occurrence wins, files in natural
// name order so chapter_2 comes before chapter_10), split train/validation by a hash of the key,
// and written as OUT/NAME/train.txt, validation.txt and stats.json. OUT/all is the union of the
// sources in name order, deduplicated across them. Lines keep document order.
// Problems with single files (unreadable, binary, not UTF-8, nothing usable) are reported and
// the run goes on; it fails (InvalidInputException) only when the raw directory is missing or
// no source gave a single line. Output files are written atomically; the output depends only on
// the raw files, so a re-run over unchanged input rewrites identical bytes.
namespace Michi.Data.Text;

public sealed record TextCorpusOptions
{
    public ProseFilterOptions Filter { get; init; } = new();
    public double ValidationFraction { get; init; } = 0.01;
    /// <summary>Also write OUT/NAME/dropped.tsv (reason, tab, sentence) for each source: for
    /// reviewing the cleaning rules.</summary>
    public bool WriteDropped { get; init; }
}

/// <summary>A file or folder that gave nothing, and why.</summary>
public sealed record TextFileReport(string Path, string Problem);

public sealed record TextCorpusResult(IReadOnlyList<TextCorpusStats> Corpora, IReadOnlyList<TextFileReport> Reports);

public static class TextCorpusBuilder
{
    public const string TrainFile = "train.txt", ValidationFile = "validation.txt", DroppedFile = "dropped.tsv";

    /// <summary>Builds every corpus. <paramref name="progress"/> gets one line per source;
    /// <paramref name="report"/> gets each problem as it is found, so that a caller can show them
    /// even when the run ends in an InvalidInputException for lack of usable text.</summary>
    public static TextCorpusResult Build(string rawDirectory, string outDirectory, TextCorpusOptions options,
                                         Action<string>? progress = null, Action<TextFileReport>? report = null)
    {
        if (!(options.ValidationFraction is >= 0 and <= 1))
            throw new InvalidInputException($"validation fraction must be between 0 and 1, not {options.ValidationFraction}");
        if (!Directory.Exists(rawDirectory))
            throw InvalidInputException.ForFile(rawDirectory, "no such directory (scripts/fetch-text.sh fetches the raw sources)");

        var reports = new List<TextFileReport>();
        void Report(string path, string problem)
        {
            var r = new TextFileReport(path, problem);
            reports.Add(r);
            report?.Invoke(r);
        }
        var corpora = new List<TextCorpusStats>();
        var union = new List<SourceLines>();
        var folders = Directory.GetDirectories(rawDirectory)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .OrderBy(d => Path.GetFileName(d), StringComparer.Ordinal);
        foreach (string folder in folders)
        {
            string name = Path.GetFileName(folder);
            if (name == TextSources.AllName)
            {
                Report(folder, $"\"{TextSources.AllName}\" is the union corpus, not a source name; skipped");
                continue;
            }
            var source = TextSources.For(name);
            var lines = ReadSource(folder, source, options, Report);
            progress?.Invoke($"{name}: {lines.Files} file(s), {lines.Lines.Count} sentence(s)");
            if (lines.Lines.Count == 0)
            {
                if (lines.Files > 0) Report(folder, "no usable sentences; corpus not written");
                continue;
            }
            corpora.Add(Write(Path.Combine(outDirectory, name), name, [name], lines.Files, lines.Sentences,
                              lines.Duplicates, lines.Dropped, lines.Lines, options.ValidationFraction));
            if (lines.DroppedLines is not null)
                AtomicText.WriteLines(Path.Combine(outDirectory, name, DroppedFile), lines.DroppedLines);
            union.Add(lines);
        }
        if (union.Count == 0)
            throw InvalidInputException.ForFile(rawDirectory, $"no usable text found ({reports.Count} problem(s) reported)");

        // The union: sources' kept lines in name order, duplicates across sources removed.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var all = new List<(string Line, string Key)>();
        int crossDuplicates = 0;
        foreach (var s in union)
            foreach (var entry in s.Lines)
                if (seen.Add(entry.Key)) all.Add(entry);
                else crossDuplicates++;
        var dropped = new int[union[0].Dropped.Length];
        foreach (var s in union)
            for (int i = 0; i < dropped.Length; i++) dropped[i] += s.Dropped[i];
        corpora.Add(Write(Path.Combine(outDirectory, TextSources.AllName), TextSources.AllName, [.. union.Select(u => u.Name)],
                          union.Sum(u => u.Files), union.Sum(u => u.Sentences), union.Sum(u => u.Duplicates) + crossDuplicates,
                          dropped, all, options.ValidationFraction));
        return new(corpora, reports);
    }

    sealed record SourceLines(string Name, int Files, int Sentences, int Duplicates, int[] Dropped, List<(string Line, string Key)> Lines,
                             List<string>? DroppedLines);

    static SourceLines ReadSource(string folder, TextSource source, TextCorpusOptions options, Action<string, string> report)
    {
        var dropped = new int[Enum.GetValues<DropReason>().Length];
        List<string>? droppedLines = options.WriteDropped ? [] : null;
        void Drop(DropReason reason, string sentence)
        {
            dropped[(int)reason]++;
            droppedLines?.Add($"{ProseFilter.Name(reason)}\t{sentence}");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lines = new List<(string, string)>();
        int files = 0, sentences = 0, duplicates = 0;
        var paths = Directory.GetFiles(folder)
            .Where(p => !Path.GetFileName(p).StartsWith('.') && source.IncludesFile(Path.GetFileName(p)))
            .Order(NaturalComparer.Instance);
        foreach (string path in paths)
        {
            string? text = RawTextFile.TryRead(path, out string? problem);
            if (text is null) { report(path, problem!); continue; }
            files++;
            var kept = TextCleaner.FileSentences(text, source, options.Filter, Drop);
            if (kept.Count == 0) report(path, "no usable sentences");
            foreach (string line in kept)
            {
                sentences++;
                string key = CorpusSplit.DedupKey(line);
                if (seen.Add(key)) lines.Add((line, key));
                else duplicates++;
            }
        }
        if (files == 0) report(folder, "no readable text files");
        return new(source.Name, files, sentences, duplicates, dropped, lines, droppedLines);
    }

    static TextCorpusStats Write(string dir, string name, IReadOnlyList<string> sources, int files, int sentences, int duplicates,
                                 int[] dropped, List<(string Line, string Key)> lines, double fraction)
    {
        var train = new List<string>();
        var validation = new List<string>();
        foreach (var (line, key) in lines)
            (CorpusSplit.IsValidation(key, fraction) ? validation : train).Add(line);
        var droppedByName = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var reason in Enum.GetValues<DropReason>())
            if (reason != DropReason.None) droppedByName[ProseFilter.Name(reason)] = dropped[(int)reason];
        var stats = new TextCorpusStats(name, sources, files, sentences, duplicates, droppedByName, fraction,
                                        SplitStats.Of(train), SplitStats.Of(validation));
        AtomicText.WriteLines(Path.Combine(dir, TrainFile), train);
        AtomicText.WriteLines(Path.Combine(dir, ValidationFile), validation);
        AtomicText.WriteText(Path.Combine(dir, TextCorpusStats.FileName), stats.ToJson() + "\n");
        return stats;
    }
}
