// Read access to a model checkpoint, whether one safetensors file or a sharded set described by
// model.safetensors.index.json (see Checkpoint.Open). Tensors are read one at a time on demand
// so loading a model never holds the file and the model in memory at once.
using static TorchSharp.torch;

namespace Michi.Model.Checkpoints;

public interface ICheckpointReader : IDisposable
{
    /// <summary>The file or index the checkpoint was opened from, for messages.</summary>
    string Path { get; }

    /// <summary>Every tensor name, in ordinal order.</summary>
    IReadOnlyCollection<string> Names { get; }

    /// <summary>The single file's "__metadata__", or the index's "metadata" (non-string values
    /// such as total_size as their JSON text).</summary>
    IReadOnlyDictionary<string, string> Metadata { get; }

    bool Contains(string name);

    /// <summary>Throws InvalidInputException when the name is absent.</summary>
    TensorEntry Entry(string name);

    /// <summary>CPU, stored dtype, contiguous, owned by the caller.</summary>
    Tensor Read(string name);

    /// <summary>CPU, converted to <paramref name="dtype"/>, owned by the caller.</summary>
    Tensor Read(string name, ScalarType dtype);

    /// <summary>Every tensor (caller owns and disposes them).</summary>
    Dictionary<string, Tensor> ReadAll();
}
