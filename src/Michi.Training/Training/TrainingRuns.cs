// Start-or-resume rules shared by the text and speech trainers (the codec trainer applies the
// same ones): --resume needs a checkpoint in the output folder, and a folder that already holds
// a run is never trained into from scratch, so a mistyped command cannot overwrite a run.
namespace Michi.Training;

public static class TrainingRuns
{
    /// <summary>The latest checkpoint's state and folder when resuming (after <paramref name="checkRecipe"/>
    /// accepts its recipe), (null, null) for a fresh run; InvalidInputException otherwise.</summary>
    public static (RunState<TRecipe>? State, string? Folder) CheckResume<TRecipe>(string outputDirectory, bool resume,
        Action<TRecipe, string> checkRecipe) where TRecipe : class, ITrainingRecipe
    {
        string? latest = new CheckpointStore(outputDirectory).Latest();
        if (!resume)
        {
            if (latest is not null)
                throw InvalidInputException.ForFile(outputDirectory, "already holds a training run; pass --resume to continue it or choose a new folder");
            return (null, null);
        }
        if (latest is null)
            throw InvalidInputException.ForFile(outputDirectory, "no checkpoint to resume from (train without --resume first)");
        string path = Path.Combine(latest, RunState<TRecipe>.FileName);
        var state = RunState<TRecipe>.Load(path);
        checkRecipe(state.Recipe, path);
        return (state, latest);
    }
}
