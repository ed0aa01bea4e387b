// `michi model`: `info` (ModelInfoCommand.cs) and `export`, a copy of
// a model directory with its weights stored as float16/bfloat16 (how the demo model is shipped).
using System.CommandLine;
using Michi.Cli.Infrastructure;
using Michi.Model.Backbone;
using Michi.Model.Checkpoints;

namespace Michi.Cli.Commands;

public static class ModelCommands
{
    public static Command Create()
    {
        var model = new Command("model", "Inspect model directories.");
        model.Subcommands.Add(ModelInfoCommand.Create());
        model.Subcommands.Add(CreateExport());
        return model;
    }

    static Command CreateExport()
    {
        var source = new Option<string>("--model") { Description = "Model directory to copy (any Michi or Hugging Face model directory).", Required = true };
        var output = new Option<string>("--out") { Description = "New folder for the copy (must not exist).", Required = true };
        var dtype = new Option<string>("--dtype") { Description = "Storage type of floating-point weights.", DefaultValueFactory = _ => "f16" };
        dtype.AcceptOnlyFromAmong("f16", "bf16", "f32");
        var json = CommonOptions.Json();
        var command = new Command("export", "Copy a model directory with its weights stored as float16, bfloat16 or float32 (loaders convert back).")
        {
            source, output, dtype, json,
        };
        command.SetAction(parse =>
        {
            var type = parse.GetValue(dtype) switch
            {
                "bf16" => TorchSharp.torch.ScalarType.BFloat16,
                "f32" => TorchSharp.torch.ScalarType.Float32,
                _ => TorchSharp.torch.ScalarType.Float16,
            };
            var report = CheckpointConversion.ConvertDirectory(parse.GetValue(source)!, parse.GetValue(output)!, type);
            var stdout = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json)) JsonOutput.Write(stdout, report);
            else stdout.WriteLine($"{parse.GetValue(output)}: {report.Files} weight files, {report.TensorsConverted} tensors as {parse.GetValue(dtype)}; " +
                                  $"{report.BytesBefore / 1e6:F1} MB → {report.BytesAfter / 1e6:F1} MB");
            return CliRunner.ExitOk;
        });
        return command;
    }
}
