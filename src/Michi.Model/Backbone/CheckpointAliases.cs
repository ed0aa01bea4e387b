// A view of a checkpoint without the tensors Hugging Face checkpoints may carry but a Llama
// model does not load: lm_head.weight when the head is tied to the embedding (some exporters
// save the tied copy), and the rotary inv_freq buffers older transformers versions saved.
// Hiding them keeps strict loading strict about everything else.
using Michi.Model.Checkpoints;
using static TorchSharp.torch;

namespace Michi.Model.Backbone;

internal sealed class CheckpointAliases(ICheckpointReader inner, bool tiedHead) : ICheckpointReader
{
    private readonly string[] _names = inner.Names.Where(n => !Ignored(n, tiedHead)).ToArray();

    /// <summary>True for names a Llama model knowingly skips.</summary>
    public static bool Ignored(string name, bool tiedHead) =>
        (tiedHead && name == "lm_head.weight") || name.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal);

    public string Path => inner.Path;
    public IReadOnlyCollection<string> Names => _names;
    public IReadOnlyDictionary<string, string> Metadata => inner.Metadata;
    public bool Contains(string name) => !Ignored(name, tiedHead) && inner.Contains(name);
    public TensorEntry Entry(string name) => inner.Entry(name);
    public Tensor Read(string name) => inner.Read(name);
    public Tensor Read(string name, ScalarType dtype) => inner.Read(name, dtype);

    public Dictionary<string, Tensor> ReadAll()
    {
        var all = inner.ReadAll();
        foreach (string name in all.Keys.Where(n => Ignored(n, tiedHead)).ToList())
        {
            all[name].Dispose();
            all.Remove(name);
        }
        return all;
    }

    /// <summary>Does not dispose the inner reader: its owner does.</summary>
    public void Dispose() { }
}
