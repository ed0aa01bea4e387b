// Options shared by several commands, so their names, defaults and help read the same everywhere.
using System.CommandLine;
using TorchSharp;

namespace Michi.Cli.Infrastructure;

public static class CommonOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print one JSON object instead of text." };

    public static Option<string> ModelDir(string description = "Hugging Face model directory (config.json, model.safetensors, tokenizer.json).") =>
        new("--model") { Description = description, Required = true };

    public static Option<string> DType()
    {
        var option = new Option<string>("--dtype") { Description = "Compute dtype.", DefaultValueFactory = _ => "fp32" };
        option.AcceptOnlyFromAmong("fp32", "bf16");
        return option;
    }

    public static torch.ScalarType ToScalarType(string dtype) =>
        dtype == "bf16" ? torch.ScalarType.BFloat16 : torch.ScalarType.Float32;
}
