// Loads a checkpoint into a TorchSharp module by state-dict name, like PyTorch's
// load_state_dict(strict=True) but reading one tensor at a time from the checkpoint and
// copying it (with dtype and device conversion) into the existing parameter or buffer.
// Every mismatch is found before anything is copied, and reported in one message.
// Tied weights: TorchSharp's state_dict lists a Parameter shared by two modules once, under
// the first name registered (measured with TorchSharp 0.107), so a model that ties
// lm_head.weight to model.embed_tokens.weight matches Hugging Face checkpoints saved with
// tie_word_embeddings, which store only the embedding.
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Checkpoints;

/// <summary>What a non-strict load skipped (both lists are empty after a strict load).</summary>
public sealed record CheckpointLoadReport(IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected, int Loaded);

public static class CheckpointLoader
{
    private const int ListedPerKind = 5;

    /// <summary>Copies every module tensor from <paramref name="checkpoint"/>. Wrong shapes are
    /// always refused; with <paramref name="strict"/>, missing and unexpected tensors are too.</summary>
    public static CheckpointLoadReport LoadInto(nn.Module module, ICheckpointReader checkpoint, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(checkpoint);

        var state = module.state_dict();
        var missing = new List<string>();
        var wrongShape = new List<string>();
        foreach (var (name, target) in state)
        {
            if (!checkpoint.Contains(name))
            {
                missing.Add(name);
                continue;
            }
            var entry = checkpoint.Entry(name);
            if (!entry.Shape.SequenceEqual(target.shape))
                wrongShape.Add($"{name}: checkpoint {entry.ShapeText}, model {TensorEntry.FormatShape(target.shape)}");
        }
        var unexpected = checkpoint.Names.Where(n => !state.ContainsKey(n)).ToList();

        if (wrongShape.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
            throw InvalidInputException.ForFile(checkpoint.Path,
                "checkpoint does not match the model: " + string.Join("; ", new[]
                {
                    strict ? Describe("missing", missing) : "",
                    strict ? Describe("unexpected", unexpected) : "",
                    Describe("with the wrong shape", wrongShape),
                }.Where(s => s.Length > 0)));

        int loaded = 0;
        using (torch.no_grad())
        {
            foreach (var (name, target) in state)
            {
                if (!checkpoint.Contains(name)) continue;
                using var value = checkpoint.Read(name);
                target.copy_(value); // converts dtype and moves to the target's device
                loaded++;
            }
        }
        return new CheckpointLoadReport(missing, unexpected, loaded);
    }

    private static string Describe(string kind, IReadOnlyList<string> names)
    {
        if (names.Count == 0) return "";
        string listed = string.Join(", ", names.Take(ListedPerKind));
        string more = names.Count > ListedPerKind ? $", … and {names.Count - ListedPerKind} more" : "";
        return $"{names.Count} {kind} ({listed}{more})";
    }
}
