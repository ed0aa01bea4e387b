// `michi data frames FILE.json`: an utterance's words placed on frames as the model will read
// them (FrameAligner): one row per frame with its time, token and word, PAD shown as "·".
using System.CommandLine;
using System.Globalization;
using Michi.Data.Alignment;
using Michi.Data.Corpus;
using Michi.Cli.Infrastructure;

namespace Michi.Cli.Commands;

static class DataFramesCommand
{
    public static Command Create(Func<string, FrameTokenizer>? loadTokenizer)
    {
        var file = new Argument<string>("FILE") { Description = "An utterance's NAME.json (from `michi data synth`)." };
        var frameMs = new Option<double>("--frame-ms") { Description = "Frame length in milliseconds.", DefaultValueFactory = _ => 80 };
        var lead = new Option<int>("--lead") { Description = "δ: frames a word's first token comes before its audio.", DefaultValueFactory = _ => 2 };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "Model directory whose tokenizer to use; default: one token per whitespace word." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        frameMs.Validators.Add(r => { if (r.GetValue(frameMs) is not (>= 1 and <= 10000)) r.AddError("--frame-ms must be between 1 and 10000"); });
        lead.Validators.Add(r => { if (r.GetValue(lead) is < 0 or > 100) r.AddError("--lead must be between 0 and 100"); });
        var command = new Command("frames", "Print an utterance's per-frame text stream (words placed δ frames before their audio).")
            { file, frameMs, lead, tokenizer, json };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(file)!;
            var record = UtteranceRecord.Read(path);
            FrameTokenizer tok;
            if (parse.GetValue(tokenizer) is { } dir)
                tok = loadTokenizer is null
                    ? throw new InvalidInputException("--tokenizer: this build has no model tokenizer loader; omit it to use whitespace words")
                    : loadTokenizer(dir);
            else
                tok = FrameTokenizer.Words();
            var options = new FrameAlignmentOptions { FrameSeconds = parse.GetValue(frameMs) / 1000, Lead = parse.GetValue(lead) };
            int frames = FrameAligner.FrameCount(record.Duration, options.FrameSeconds);
            var a = FrameAligner.Align([.. record.Words.Select(w => (w.Word, w.Start))], tok.Encode, frames, tok.PadId, options);

            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(output, new
                {
                    file = path, frame_seconds = options.FrameSeconds, lead = options.Lead, pad_id = a.PadId,
                    collisions = a.Collisions, dropped = a.Dropped, tokens = a.Tokens, word_of_frame = a.WordOfFrame,
                });
                return CliRunner.ExitOk;
            }
            output.WriteLine($"{path}: {record.Words.Count} words, {frames} frames of {options.FrameSeconds * 1000:0.#} ms, lead {options.Lead}; " +
                             $"{a.Collisions} token(s) pushed later, {a.Dropped} dropped");
            output.WriteLine($"{"frame",5}  {"time",6}  {"token",8}  {"text",-16}  word");
            for (int f = 0; f < frames; f++)
            {
                string time = (f * options.FrameSeconds).ToString("0.00", CultureInfo.InvariantCulture);
                if (a.Tokens[f] == a.PadId)
                {
                    output.WriteLine($"{f,5}  {time,6}  {"·",8}");
                    continue;
                }
                int w = a.WordOfFrame[f];
                var word = record.Words[w];
                string note = a.FirstFrame[w] == f
                    ? string.Create(CultureInfo.InvariantCulture, $"{word.Word}  (starts {word.Start:0.000} s{(f > a.NominalFrame[w] ? $", pushed +{f - a.NominalFrame[w]}" : "")})")
                    : word.Word;
                output.WriteLine($"{f,5}  {time,6}  {a.Tokens[f],8}  {tok.Decode(a.Tokens[f]),-16}  {note}");
            }
            return CliRunner.ExitOk;
        });
        return command;
    }
}
