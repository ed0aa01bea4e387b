// `michi model info DIR`: what a model directory holds, read from headers only (no weights are
// loaded), so it answers in a moment even for large checkpoints.
using System.CommandLine;
using Michi.Cli.Infrastructure;
using Michi.Model.Backbone;

namespace Michi.Cli.Commands;

public static class ModelCommands
{
    public static Command Create()
    {
        var model = new Command("model", "Inspect model directories.");
        model.Subcommands.Add(CreateInfo());
        return model;
    }

    static Command CreateInfo()
    {
        var dir = new Argument<string>("DIR") { Description = "Model directory (Hugging Face layout)." };
        var json = CommonOptions.Json();
        var command = new Command("info", "Print architecture, parameter count, dtypes and tokenizer summary.") { dir, json };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(dir)!;
            if (!Directory.Exists(path))
                throw new InvalidInputException(File.Exists(path) ? $"{path}: is a file, expected a model directory" : $"{path}: no such directory");
            ModelSummary summary = HfModelDirectory.Inspect(path);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json)) JsonOutput.Write(output, summary);
            else foreach (var line in summary.Lines()) output.WriteLine(line);
            return CliRunner.ExitOk;
        });
        return command;
    }
}
