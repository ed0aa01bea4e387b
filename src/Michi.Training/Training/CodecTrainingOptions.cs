// How a codec training run is carried out, as opposed to what it computes (the recipe): where
// the data and outputs live, how many steps in total, and how often to log, validate and
// checkpoint. These may change between sittings of one run without changing its result.
namespace Michi.Training;

public sealed record CodecTrainingOptions
{
    public required string DataDirectory { get; init; }
    public required string OutputDirectory { get; init; }
    public CodecTrainingRecipe Recipe { get; init; } = new();

    /// <summary>Total steps of the run (a resumed run continues up to this step).</summary>
    public long Steps { get; init; } = 10_000;

    /// <summary>Continue from the latest checkpoint in OutputDirectory (an error when there is none).</summary>
    public bool Resume { get; init; }

    /// <summary>With Resume: start the discriminators (weights and optimiser state) afresh from
    /// the recipe's discriminator config, which may then differ from the checkpoint's. For
    /// switching a long run to a cheaper or stronger adversary without losing the generator; the
    /// run no longer matches an uninterrupted one.</summary>
    public bool ResetDiscriminator { get; init; }

    public int LogEvery { get; init; } = 10;
    public int ValidateEvery { get; init; } = 500;
    public int CheckpointEvery { get; init; } = 500;

    /// <summary>Step checkpoints kept on disk (the newest ones); older ones are deleted.</summary>
    public int KeepCheckpoints { get; init; } = 3;

    /// <summary>Validation audio per held-out file, from its start (bounds validation time).</summary>
    public double ValidationSeconds { get; init; } = 10;

    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory) || string.IsNullOrWhiteSpace(OutputDirectory)) return "data and output folders are required";
        if (Steps < 0) return "steps must be ≥ 0";
        if (LogEvery < 1 || ValidateEvery < 1 || CheckpointEvery < 1) return "log, validation and checkpoint intervals must be ≥ 1";
        if (ResetDiscriminator && !Resume) return "resetting the discriminator needs a run to resume";
        if (KeepCheckpoints < 1) return "keep_checkpoints must be ≥ 1";
        if (!(ValidationSeconds > 0)) return "validation seconds must be positive";
        return Recipe is null ? "a recipe is required" : Recipe.Validate();
    }
}
