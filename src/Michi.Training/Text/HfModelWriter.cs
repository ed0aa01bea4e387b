// Writes a Llama backbone as a Hugging Face model directory, loadable by HfModelDirectory (and by
// transformers): config.json (the LlamaConfig, torch_dtype = the weights' dtype), model.safetensors
// (the state dict under Hugging Face names; a tied head is not written twice) and the tokenizer
// files copied from the tokenizer's directory (SpeechLmDirectory.TokenizerFileNames: those present).
// Each file is written atomically.
using System.Text.Json;
using System.Text.Json.Serialization;
using Michi.Model.Backbone;
using Michi.Model.Checkpoints;
using Michi.Model.Speech;
using TorchSharp;

namespace Michi.Training.Text;

public static class HfModelWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static void Write(string directory, LlamaForCausalLM model, string tokenizerDirectory)
    {
        ArgumentNullException.ThrowIfNull(model);
        Directory.CreateDirectory(directory);
        SafetensorsWriter.Write(Path.Combine(directory, Checkpoint.SingleFileName), model.state_dict(),
            new Dictionary<string, string> { ["format"] = "pt" });
        foreach (string name in SpeechLmDirectory.TokenizerFileNames)
        {
            string source = Path.Combine(tokenizerDirectory, name);
            if (File.Exists(source)) AtomicFile.Write(Path.Combine(directory, name), temp => File.Copy(source, temp, overwrite: true));
        }
        var config = model.Config with { TorchDtype = DTypeName(model.DType) };
        AtomicFile.WriteAllText(Path.Combine(directory, LlamaConfig.FileName), JsonSerializer.Serialize(config, Json));
    }

    private static string DTypeName(torch.ScalarType dtype) => dtype switch
    {
        torch.ScalarType.BFloat16 => "bfloat16",
        torch.ScalarType.Float16 => "float16",
        torch.ScalarType.Float64 => "float64",
        _ => "float32",
    };
}
