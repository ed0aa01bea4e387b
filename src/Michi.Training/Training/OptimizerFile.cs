// optimizer.safetensors of a checkpoint: the AdamW moments of one or more optimisers, each under
// its own name prefix (`{prefix}exp_avg.{param}`, `{prefix}exp_avg_sq.{param}`), and the state
// of the torch Generator that draws the run's noise (`rng.torch`), so a resumed run draws the
// same noise as an uninterrupted one. Step counts live in trainer.json. Written atomically
// (SafetensorsWriter); a damaged or mismatched file is an InvalidInputException naming it.
using Michi.Model.Checkpoints;
using static TorchSharp.torch;

namespace Michi.Training;

public static class OptimizerFile
{
    public const string RngTensorName = "rng.torch";

    public static void Write(string path, IEnumerable<(string Prefix, AdamWOptimizer Optimizer)> optimizers, Generator? rng,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (prefix, optimizer) in optimizers)
            foreach (var (name, tensor) in optimizer.StateTensors(prefix)) tensors[name] = tensor;
        using var state = rng?.get_state();
        if (state is not null) tensors[RngTensorName] = state;
        SafetensorsWriter.Write(path, tensors, metadata ?? new Dictionary<string, string> { ["format"] = "pt" });
    }

    /// <summary>Restores each optimiser's moments (and step count) and, when given, the generator's state.</summary>
    public static void Read(string path, IEnumerable<(string Prefix, AdamWOptimizer Optimizer, long Steps)> optimizers, Generator? rng)
    {
        using var file = SafetensorsFile.Open(path);
        bool Contains(string n) => file.Entries.ContainsKey(n);
        Tensor Read(string n) => file.ReadTensor(n, ScalarType.Float32);
        foreach (var (prefix, optimizer, steps) in optimizers)
            optimizer.LoadState(Contains, Read, file.Entries.Keys, prefix, steps, path);
        if (rng is null) return;
        if (!Contains(RngTensorName)) throw InvalidInputException.ForFile(path, $"'{RngTensorName}' is missing");
        using var state = file.ReadTensor(RngTensorName);
        try
        {
            rng.set_state(state);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw InvalidInputException.ForFile(path, $"'{RngTensorName}' is not a torch generator state ({e.Message.Split('\n')[0]})");
        }
    }
}
