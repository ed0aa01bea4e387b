// How to pick each next token. Greedy takes the most likely token (after the repetition
// penalty, as transformers does); otherwise tokens are sampled after temperature, top-k and
// top-p, in that order. A seed makes sampling reproducible; without one it differs per run.
// Validate names the offending option.
// Reference: transformers GenerationConfig and its logits processors.
using Michi.Model.Backbone;

namespace Michi.Runtime;

public sealed record GenerationOptions
{
    /// <summary>Upper bound on generated tokens (the stop token, when hit, is included).</summary>
    public int MaxNewTokens { get; init; } = 64;

    public bool Greedy { get; init; }

    /// <summary>Logits are divided by it before sampling; must be &gt; 0 unless Greedy.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Keep the k most likely tokens (ties with the k-th kept too); 0 = off.</summary>
    public int TopK { get; init; }

    /// <summary>Keep the most likely tokens whose probabilities sum to TopP; 1 = off.</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>CTRL-style penalty on every token already in the prompt or output; 1 = off.</summary>
    public double RepetitionPenalty { get; init; } = 1.0;

    /// <summary>Generation ends after emitting one of these.</summary>
    public IReadOnlyList<int> StopTokenIds { get; init; } = [];

    public int? Seed { get; init; }

    public static GenerationOptions GreedyDefaults { get; } = new() { Greedy = true };

    /// <summary>Options from a model's generation_config.json (sampling when do_sample is true),
    /// with its eos ids as stop tokens.</summary>
    public static GenerationOptions From(GenerationConfig? config, IReadOnlyList<int> stopTokenIds) => new()
    {
        Greedy = config?.DoSample != true,
        Temperature = config?.Temperature ?? 1.0,
        TopK = config?.TopK ?? 0,
        TopP = config?.TopP ?? 1.0,
        RepetitionPenalty = config?.RepetitionPenalty ?? 1.0,
        MaxNewTokens = config?.MaxNewTokens ?? 64,
        StopTokenIds = stopTokenIds,
    };

    /// <summary>Throws InvalidInputException naming the first bad option.</summary>
    public void Validate()
    {
        if (MaxNewTokens < 0) throw new InvalidInputException($"max new tokens must be ≥ 0 (got {MaxNewTokens})");
        if (!Greedy && !(Temperature > 0 && double.IsFinite(Temperature)))
            throw new InvalidInputException($"temperature must be > 0 for sampling (got {Temperature}); use greedy decoding instead of 0");
        if (TopK < 0) throw new InvalidInputException($"top-k must be ≥ 0 (got {TopK})");
        if (!(TopP > 0 && TopP <= 1)) throw new InvalidInputException($"top-p must be in (0, 1] (got {TopP})");
        if (!(RepetitionPenalty > 0 && double.IsFinite(RepetitionPenalty)))
            throw new InvalidInputException($"repetition penalty must be > 0 (got {RepetitionPenalty})");
        ArgumentNullException.ThrowIfNull(StopTokenIds);
    }
}
