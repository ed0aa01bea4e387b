// A small synthetic corpus (sines and chirps, one file at 16 kHz to exercise resampling) and
// tiny-preset training options, shared by the trainer tests.
using Michi.Audio;
using Michi.Model.Codec;
using Michi.Training.Discriminators;

namespace Michi.Training.Tests.Training;

internal static class TrainingFixture
{
    public static string WriteCorpus(TempDir dir)
    {
        string data = dir.Combine("data");
        Directory.CreateDirectory(Path.Combine(data, "sub"));
        double[] pitches = [110, 180, 262, 330, 440];
        for (int i = 0; i < pitches.Length; i++)
        {
            float[] tone = TestSignals.Sine(24000, pitches[i], amplitude: 0.3);
            float[] sweep = TestSignals.Chirp(24000, pitches[i], 4 * pitches[i], amplitude: 0.2);
            for (int n = 0; n < tone.Length; n++) tone[n] += sweep[n];
            WavFile.Write(Path.Combine(data, i % 2 == 0 ? "" : "sub", $"tone{i}.wav"), tone, 24000);
        }
        WavFile.Write(Path.Combine(data, "low-rate.wav"), TestSignals.Chirp(16000, 200, 3000, rate: 16000), 16000);
        return data;
    }

    public static CodecTrainingOptions Options(string data, string output, long steps, int adversarialStart = 2) => new()
    {
        DataDirectory = data,
        OutputDirectory = output,
        Steps = steps,
        LogEvery = 1,
        ValidateEvery = 1000,
        CheckpointEvery = 1000,
        ValidationSeconds = 1,
        Recipe = new CodecTrainingRecipe
        {
            Codec = CodecConfig.Tiny,
            Discriminator = DiscriminatorConfig.Tiny,
            BatchSize = 2,
            CropSeconds = 0.25,
            ValidationFiles = 1,
            Seed = 3,
            AdversarialStartStep = adversarialStart,
        },
    };
}
