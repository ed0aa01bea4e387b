// `michi data dialogues`: two-speaker dialogues for full duplex (DESIGN.md §3): per dialogue
// NAME.wav (24 kHz, channel 0 = user, 1 = assistant) + NAME.json (per-channel words with
// absolute times, and the turn/overlap/interruption/backchannel events), resumable, in
// parallel. Thin command over Michi.Data.Dialogues; text and voices as in `data synth`.
using System.CommandLine;
using System.Globalization;
using Michi.Cli.Infrastructure;
using Michi.Data.Dialogues;
using Michi.Data.Synthesis;

namespace Michi.Cli.Commands;

static class DataDialoguesCommand
{
    public static Command Create()
    {
        var defaults = new DialogueOptions();
        var text = new Option<string?>("--text") { Description = "Text file: one turn per non-empty line, read in order." };
        var corpus = new Option<string?>("--corpus") { Description = "A prepared text corpus by name (reads data/text/NAME/train.txt)." };
        var voices = new Option<string?>("--voices")
        {
            Description = "Comma-separated voices (at least two); each dialogue draws two distinct ones. Default: the intelligible set.",
        };
        var count = new Option<int?>("--count") { Description = "Number of dialogues to make." };
        var hours = new Option<double?>("--hours") { Description = "Hours of dialogue to make (instead of --count)." };
        var output = new Option<string>("--out") { Description = "Output directory.", Required = true };
        var workers = new Option<int>("--workers") { Description = "Dialogues synthesised in parallel.", DefaultValueFactory = _ => 1 };
        var seed = new Option<long>("--seed") { Description = "Seed for every choice (voices, gaps, events).", DefaultValueFactory = _ => 0 };
        var overlap = new Option<double>("--overlap-ratio")
        { Description = "Fraction of speaker changes where the next turn starts before the previous ends.", DefaultValueFactory = _ => defaults.OverlapRatio };
        var interruption = new Option<double>("--interruption-ratio")
        { Description = "Fraction of speaker changes where the next speaker cuts the previous one off mid-turn.", DefaultValueFactory = _ => defaults.InterruptionRatio };
        var backchannel = new Option<double>("--backchannel-rate")
        { Description = "Listener backchannels (mm-hm, yeah, ...) per minute of speech.", DefaultValueFactory = _ => defaults.BackchannelRate };
        var turns = new Option<string>("--turns")
        { Description = "Turns per dialogue: MIN-MAX or N.", DefaultValueFactory = _ => $"{defaults.TurnsMin}-{defaults.TurnsMax}" };
        count.Validators.Add(r => { if (r.GetValue(count) is { } c && c is < 1 or > 10_000_000) r.AddError("--count must be between 1 and 10000000"); });
        hours.Validators.Add(r => { if (r.GetValue(hours) is { } h && (!(h > 0) || h > 100000)) r.AddError("--hours must be positive"); });
        workers.Validators.Add(r => { if (r.GetValue(workers) is < 1 or > 256) r.AddError("--workers must be between 1 and 256"); });
        var command = new Command("dialogues", "Synthesise two-speaker dialogues (user, assistant channels) with overlaps, interruptions and backchannels.")
            { text, corpus, voices, count, hours, output, workers, seed, overlap, interruption, backchannel, turns };
        command.Validators.Add(r =>
        {
            if ((r.GetValue(text) is null) == (r.GetValue(corpus) is null)) r.AddError("give exactly one of --text FILE or --corpus NAME");
            else if ((r.GetValue(count) is null) == (r.GetValue(hours) is null)) r.AddError("give exactly one of --count N or --hours H");
        });
        command.SetAction(async (parse, ct) =>
        {
            var stderr = parse.InvocationConfiguration.Error;
            var (turnsMin, turnsMax) = ParseTurns(parse.GetValue(turns)!);
            var options = new DialogueOptions
            {
                Seed = parse.GetValue(seed), OverlapRatio = parse.GetValue(overlap), InterruptionRatio = parse.GetValue(interruption),
                BackchannelRate = parse.GetValue(backchannel), TurnsMin = turnsMin, TurnsMax = turnsMax,
            };
            options.Validate();   // before any engine is touched
            string source = parse.GetValue(text) ?? DataSynthCommand.CorpusPath(parse.GetValue(corpus)!);
            if (parse.GetValue(corpus) is { } name && !File.Exists(source))
                throw new InvalidInputException($"--corpus {name}: {source} not found (prepare the text corpus first, see docs/data.md)");
            var lines = DataSynthCommand.ReadLines(source, stderr);

            var selection = VoiceCatalog.Installed().Resolve(parse.GetValue(voices));
            foreach (string missing in selection.Missing)
                stderr.WriteLine($"michi: warning: voice {missing}; skipped");
            if (selection.Voices.Count < 2)
                throw new InvalidInputException($"dialogues need at least two installed voices ({selection.Voices.Count} available); run scripts/setup.sh or `michi data voices`");

            double? h = parse.GetValue(hours);
            var request = new DialogueRequest(lines, selection.Voices, parse.GetValue(output)!, parse.GetValue(count) ?? 0, h,
                                              parse.GetValue(workers), options);
            double total = h is { } hh ? hh * 3600 : request.Count;
            var summary = await ProgressReporter.RunAsync($"dialogues, {selection.Voices.Count} voice(s)", total, report =>
                DialogueWriter.RunAsync(request, p => report(Math.Min(total, h is null ? p.Items : p.Seconds),
                                                             p.Note ?? $"{p.Items} dialogues, {p.Seconds / 3600:0.###} h"), ct));

            foreach (string error in summary.Errors)
                stderr.WriteLine($"michi: failed: {error}");
            var c = summary.EventCounts;
            parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{summary.Dialogues} dialogues, {summary.Seconds / 3600:0.###} h in {request.OutputDirectory} " +
                $"({summary.Made} synthesised, {summary.Skipped} already complete, {summary.Failed} failed); " +
                $"{c[DialogueEvent.Turn]} turns, {c[DialogueEvent.Overlap]} overlaps, {c[DialogueEvent.Interruption]} interruptions, " +
                $"{c[DialogueEvent.Backchannel]} backchannels"));
            return CliRunner.ExitOk;
        });
        return command;
    }

    /// <summary>"4-10" or "6" → (min, max); anything else is a one-line error.</summary>
    public static (int Min, int Max) ParseTurns(string value)
    {
        string[] parts = value.Split('-');
        var inv = CultureInfo.InvariantCulture;
        if (parts.Length is 1 or 2 && parts.All(p => int.TryParse(p, NumberStyles.None, inv, out _)))
        {
            int min = int.Parse(parts[0], inv), max = int.Parse(parts[^1], inv);
            if (min >= 1 && max >= min && max <= 1000) return (min, max);
        }
        throw new InvalidInputException($"--turns must be MIN-MAX or N with 1 <= MIN <= MAX <= 1000 (got '{value}')");
    }
}
