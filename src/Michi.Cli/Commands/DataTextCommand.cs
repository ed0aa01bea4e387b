// `michi data text --raw DIR --out DIR`: builds the text corpora (one sentence per line,
// deduplicated, hash-split train/validation, stats.json) from the raw sources that
// scripts/fetch-text.sh fetched. Thin command over Michi.Data.Text.TextCorpusBuilder; per-file
// problems go to stderr as warnings, and the exit code is non-zero only when nothing usable
// was found. See docs/data.md, "Text corpora".
using System.CommandLine;
using System.Globalization;
using Michi.Data.Text;
using Michi.Cli.Infrastructure;

namespace Michi.Cli.Commands;

static class DataTextCommand
{
    public static Command Create()
    {
        var raw = new Option<string>("--raw") { Description = "Raw sources: one folder per source (sotu, moby-dick, web-bible, fortunes, or any name for plain .txt).", DefaultValueFactory = _ => Path.Combine("data", "text", "raw") };
        var output = new Option<string>("--out") { Description = "Output directory: NAME/train.txt, validation.txt, stats.json per source and for all.", DefaultValueFactory = _ => Path.Combine("data", "text") };
        var validation = new Option<double>("--validation") { Description = "Fraction of lines in validation (chosen by a hash of the line).", DefaultValueFactory = _ => 0.01 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var dropped = new Option<bool>("--dropped") { Description = "Also write NAME/dropped.tsv: every sentence the prose filter dropped, with its reason." };
        validation.Validators.Add(r => { if (r.GetValue(validation) is not (>= 0 and <= 1)) r.AddError("--validation must be between 0 and 1"); });
        var command = new Command("text", "Clean, deduplicate and split the fetched English text sources into sentence-per-line corpora.")
            { raw, output, validation, json, dropped };
        command.SetAction(parse =>
        {
            var o = parse.InvocationConfiguration.Output;
            var e = parse.InvocationConfiguration.Error;
            bool asJson = parse.GetValue(json);
            var options = new TextCorpusOptions { ValidationFraction = parse.GetValue(validation), WriteDropped = parse.GetValue(dropped) };
            var result = TextCorpusBuilder.Build(parse.GetValue(raw)!, parse.GetValue(output)!, options,
                                                 asJson ? null : line => e.WriteLine($"michi: {line}"),
                                                 r => e.WriteLine($"michi: warning: {r.Path}: {r.Problem}"));
            if (asJson)
            {
                JsonOutput.Write(o, new { corpora = result.Corpora, reports = result.Reports });
                return CliRunner.ExitOk;
            }
            o.WriteLine($"{"corpus",-10} {"files",5} {"train lines",11} {"train words",11} {"train MB",8} {"val lines",9} {"val words",9} {"dups",7} {"dropped",8}");
            foreach (var c in result.Corpora)
                o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{c.Name,-10} {c.Files,5} {c.Train.Lines,11} {c.Train.Words,11} {c.Train.Bytes / 1e6,8:0.00} {c.Validation.Lines,9} {c.Validation.Words,9} {c.Duplicates,7} {c.Dropped.Values.Sum(),8}"));
            o.WriteLine($"written under {parse.GetValue(output)}/NAME/ ({TextCorpusBuilder.TrainFile}, {TextCorpusBuilder.ValidationFile}, {TextCorpusStats.FileName})");
            return CliRunner.ExitOk;
        });
        return command;
    }
}
