// A tiny speech setup for the head/joint trainer tests: a random Tiny codec saved to disk, a
// corpus of short tone "utterances" with word timings (words of the fixture tokenizer), shards
// built from them with that codec, and tiny-preset training options over the tiny-llama
// fixture backbone.
using Michi.Audio;
using Michi.Data.Corpus;
using Michi.Data.Shards;
using Michi.Model.Codec;
using Michi.Model.Text;
using Michi.Tests.Fixtures;
using Michi.Training.Speech;
using TorchSharp;

namespace Michi.Training.Tests.Speech;

internal static class SpeechFixture
{
    public static string WriteCodec(TempDir dir, string name = "codec", int seed = 1, CodecConfig? config = null)
    {
        torch.manual_seed(seed);
        using var codec = new AudioCodec(config ?? CodecConfig.Tiny);
        string path = dir.Combine(name);
        codec.Save(path);
        return path;
    }

    private static readonly string[][] Words = [["the", "cat"], ["a", "dog", "ran"], ["we", "sat"], ["the", "sun"], ["hello"], ["go", "home"]];

    public static string WriteCorpus(TempDir dir, int count = 6)
    {
        string speech = dir.Combine("speech");
        Directory.CreateDirectory(speech);
        for (int i = 0; i < count; i++)
        {
            string[] words = Words[i % Words.Length];
            double seconds = 1.0 + 0.4 * words.Length;
            int n = (int)(seconds * 24000);
            var samples = new float[n];
            double f0 = 150 + 40 * i;
            for (int s = 0; s < n; s++) samples[s] = (float)(0.3 * Math.Sin(2 * Math.PI * f0 * s / 24000) * Math.Sin(Math.PI * s / n));
            string name = $"{i:D6}";
            WavFile.Write(Path.Combine(speech, name + ".wav"), samples, 24000);
            var timed = words.Select((w, k) => new WordRecord(w, 0.3 + 0.4 * k, 0.6 + 0.4 * k)).ToList();
            new UtteranceRecord(name, string.Join(' ', words), "test", $"test:v{i % 2}", 1, 1, 0, 24000, n, n / 24000.0, "engine_events", timed)
                .Write(Path.Combine(speech, name + ".json"));
        }
        return speech;
    }

    public static string BuildShards(TempDir dir, string speech, string codecDir, string name = "shards")
    {
        using var codec = AudioCodec.Load(codecDir);
        var tokenizer = TextTokenizer.Load(TinyLlamaFixture.Directory);
        var options = new ShardBuildOptions { SpeechDirectory = speech, OutputDirectory = dir.Combine(name), ShardFrames = 60 };
        SpeechShardBuilder.Build(options, new CodecLatentEncoder(codec),
            new ShardTokenizer(s => tokenizer.Encode(s), tokenizer.VocabSize, Fingerprints.Tokenizer(TinyLlamaFixture.Directory)));
        return options.OutputDirectory;
    }

    public static SpeechTrainingOptions Options(string shards, string codec, string output, long steps, string stage = "head") => new()
    {
        ShardsDirectory = shards,
        CodecDirectory = codec,
        OutputDirectory = output,
        ValidationText = null,
        Schedule = new TrainingSchedule { Steps = steps, LogEvery = 1, ValidateEvery = 1000, CheckpointEvery = 1000 },
        Recipe = new SpeechTrainingRecipe
        {
            Stage = stage, Init = TinyLlamaFixture.Directory, Heads = "tiny", Seed = 7, BatchSize = 2, CropFrames = 24,
            LearningRate = 3e-3, WarmupSteps = 2, DecaySteps = steps, ValidationUtterances = 2, TextBatchSize = 2, TextSequenceLength = 16,
            TextRatio = stage == "joint" ? 0.5 : 0,
        },
    };
}
