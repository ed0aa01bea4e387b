// `michi data voices|synth|frames|timing-report|text`: list the installed TTS voices, synthesise
// a speech corpus with word timings, show how an utterance's words land on 80 ms frames, and
// build the text corpora. Thin commands over Michi.Data; see docs/data.md.
using System.CommandLine;
using Michi.Data.Alignment;
using Michi.Data.Corpus;
using Michi.Data.Synthesis;
using Michi.Cli.Infrastructure;

namespace Michi.Cli.Commands;

public static class DataCommands
{
    /// <summary>The command group. <paramref name="loadTokenizer"/> turns a `--tokenizer DIR` into
    /// the model's tokenizer for `data frames`; without one, frames use whitespace words.</summary>
    public static Command Create(Func<string, FrameTokenizer>? loadTokenizer = null)
    {
        var data = new Command("data", "Speech data: TTS voices, synthetic corpora, frame alignment, text corpora.");
        data.Subcommands.Add(CreateVoices());
        data.Subcommands.Add(DataSynthCommand.Create());
        data.Subcommands.Add(DataFramesCommand.Create(loadTokenizer));
        data.Subcommands.Add(DataTimingCommand.Create());
        data.Subcommands.Add(DataTextCommand.Create());
        data.Subcommands.Add(DataShardsCommand.Create());
        data.Subcommands.Add(DataDialoguesCommand.Create());
        data.Subcommands.Add(DataPrepareCommand.Create());
        return data;
    }

    static Command CreateVoices()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var command = new Command("voices", "List the TTS engines and voices installed here, and which are missing.") { json };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var catalog = VoiceCatalog.Installed();
            var defaults = VoiceCatalog.DefaultVoiceIds.ToHashSet();
            var engines = catalog.Engines.Select(e => new
            {
                name = e.Name,
                available = e.IsAvailable(),
                install = e.InstallHint,
                voices = e.Voices.Select(v => new { id = v.Id, description = v.Description, @default = defaults.Contains(v.Id) }).ToArray(),
            }).ToArray();
            if (parse.GetValue(json))
            {
                JsonOutput.Write(output, new { engines, default_voices = VoiceCatalog.DefaultVoiceIds });
                return CliRunner.ExitOk;
            }
            foreach (var e in engines)
            {
                if (!e.available)
                {
                    output.WriteLine($"{e.name}: missing (apt install {e.install})");
                    continue;
                }
                output.WriteLine($"{e.name}: {e.voices.Length} voice(s)");
                foreach (var v in e.voices)
                    output.WriteLine($"  {(v.@default ? "*" : " ")} {v.id,-36} {v.description}");
            }
            output.WriteLine("* = default voice set (the most intelligible voices)");
            return CliRunner.ExitOk;
        });
        return command;
    }
}
