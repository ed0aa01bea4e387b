// `michi data synth`: one utterance per text line, NAME.wav (24 kHz mono) + NAME.json (words
// with start/end seconds) per utterance, resumable, in parallel. Engines that are missing are
// reported on stderr and their voices left out.
using System.CommandLine;
using System.Globalization;
using Michi.Data.Corpus;
using Michi.Data.Synthesis;
using Michi.Cli.Infrastructure;

namespace Michi.Cli.Commands;

static class DataSynthCommand
{
    /// <summary>Where `--corpus NAME` looks: data/text/NAME/train.txt (the text-corpus layout).</summary>
    public static string CorpusPath(string name) => Path.Combine("data", "text", name, "train.txt");

    const int MaxLineChars = 2000;

    public static Command Create()
    {
        var text = new Option<string?>("--text") { Description = "Text file: one utterance per non-empty line." };
        var corpus = new Option<string?>("--corpus") { Description = "A prepared text corpus by name (reads data/text/NAME/train.txt)." };
        var voices = new Option<string?>("--voices")
        {
            Description = "Comma-separated voices: engine:voice, engine (all its voices) or all. Default: the intelligible set (see `michi data voices`).",
        };
        var hours = new Option<double?>("--hours") { Description = "Hours of audio to make, cycling through the text. Default: one pass over the text." };
        var output = new Option<string>("--out") { Description = "Output directory.", Required = true };
        var workers = new Option<int>("--workers") { Description = "Utterances synthesised in parallel.", DefaultValueFactory = _ => 1 };
        var seed = new Option<long>("--seed") { Description = "Seed for voice, rate and pitch choices.", DefaultValueFactory = _ => 0 };
        hours.Validators.Add(r => { if (r.GetValue(hours) is { } h && (!(h > 0) || h > 100000)) r.AddError("--hours must be positive"); });
        workers.Validators.Add(r => { if (r.GetValue(workers) is < 1 or > 256) r.AddError("--workers must be between 1 and 256"); });
        var command = new Command("synth", "Synthesise a multi-voice speech corpus with word timings (resumable).")
            { text, corpus, voices, hours, output, workers, seed };
        command.Validators.Add(r =>
        {
            if ((r.GetValue(text) is null) == (r.GetValue(corpus) is null)) r.AddError("give exactly one of --text FILE or --corpus NAME");
        });
        command.SetAction(async (parse, ct) =>
        {
            var stderr = parse.InvocationConfiguration.Error;
            string source = parse.GetValue(text) ?? CorpusPath(parse.GetValue(corpus)!);
            if (parse.GetValue(corpus) is { } name && !File.Exists(source))
                throw new InvalidInputException($"--corpus {name}: {source} not found (prepare the text corpus first, see docs/data.md)");
            var lines = ReadLines(source, stderr);

            var selection = VoiceCatalog.Installed().Resolve(parse.GetValue(voices));
            foreach (string missing in selection.Missing)
                stderr.WriteLine($"michi: warning: voice {missing}; skipped");
            if (selection.Voices.Count == 0)
                throw new InvalidInputException("no requested voice is installed; run scripts/setup.sh or `michi data voices`");

            double? h = parse.GetValue(hours);
            var request = new SynthesisRequest(lines, selection.Voices, parse.GetValue(output)!, h, parse.GetValue(workers),
                                               new SynthesisOptions { Seed = parse.GetValue(seed) });
            double total = h is { } hh ? hh * 3600 : lines.Count;
            var summary = await ProgressReporter.RunAsync($"synth {selection.Voices.Count} voice(s)", total, report =>
                CorpusSynthesizer.RunAsync(request, p => report(Math.Min(total, h is null ? p.Utterances : p.Seconds),
                                                                 p.Note ?? $"{p.Utterances} utt, {p.Seconds / 3600:0.###} h"), ct));

            foreach (string error in summary.Errors)
                stderr.WriteLine($"michi: failed: {error}");
            var o = parse.InvocationConfiguration.Output;
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{summary.Utterances} utterances, {summary.Seconds / 3600:0.###} h in {request.OutputDirectory} " +
                $"({summary.Synthesized} synthesised, {summary.Skipped} already complete, {summary.Failed} failed)"));
            return CliRunner.ExitOk;
        });
        return command;
    }

    internal static List<string> ReadLines(string path, TextWriter stderr)
    {
        var lines = new List<string>();
        int tooLong = 0;
        foreach (string raw in File.ReadLines(path))
        {
            string line = string.Join(' ', raw.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            if (line.Length == 0) continue;
            if (line.Length > MaxLineChars) { tooLong++; continue; }
            lines.Add(line);
        }
        if (tooLong > 0) stderr.WriteLine($"michi: warning: {path}: {tooLong} line(s) longer than {MaxLineChars} characters skipped");
        if (lines.Count == 0) throw InvalidInputException.ForFile(path, "no non-empty lines to synthesise");
        return lines;
    }
}
