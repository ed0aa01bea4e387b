// A small text corpus and tiny-preset text training options for the text trainer tests.
using Michi.Model.Backbone;
using Michi.Tests.Fixtures;
using Michi.Training.Text;

namespace Michi.Training.Tests.Text;

internal static class TextFixture
{
    private static readonly string[] Sentences =
    [
        "The cat sat on the mat.",
        "A dog ran in the park.",
        "The cat ran to the dog.",
        "We went home at night.",
        "The sun is warm today.",
    ];

    /// <summary>train.txt (the sentences, shuffled and repeated) and validation.txt (the same sentences): a learnable corpus.</summary>
    public static (string Train, string Validation) WriteCorpus(TempDir dir)
    {
        var random = new Random(4);
        var lines = Enumerable.Range(0, 120).Select(_ => Sentences[random.Next(Sentences.Length)]);
        string train = dir.Combine("train.txt"), validation = dir.Combine("validation.txt");
        File.WriteAllLines(train, lines);
        File.WriteAllLines(validation, Sentences);
        return (train, validation);
    }

    public static TextTrainingOptions Options(string train, string validation, string output, long steps) => new()
    {
        TrainText = train,
        ValidationText = validation,
        TokenizerDirectory = TinyLlamaFixture.Directory,
        OutputDirectory = output,
        ValidationTokens = 512,
        Schedule = new TrainingSchedule { Steps = steps, LogEvery = 1, ValidateEvery = 1000, CheckpointEvery = 1000 },
        Recipe = new TextTrainingRecipe
        {
            Model = LlamaConfig.Tiny, Seed = 5, BatchSize = 4, SequenceLength = 32, LearningRate = 1e-2, WarmupSteps = 2, DecaySteps = steps,
        },
    };
}
