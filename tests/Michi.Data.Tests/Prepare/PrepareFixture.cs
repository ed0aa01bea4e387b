// Tiny fake corpora for the `data prepare` tests: "speech" is one tone burst per word with
// silence between words (so the energy aligner and the silence segmenter have something to
// find), written as WAV at any rate; layouts are built file by file in a temp folder.
using Michi.Audio;
using Michi.Data.Prepare;

namespace Michi.Data.Tests.Prepare;

internal sealed class FakeTranscriber(string text) : ITranscriber
{
    public string Fingerprint => "fake-transcriber";
    public int Calls;

    public Task<string> TranscribeAsync(float[] samples, int sampleRate, CancellationToken ct)
    {
        Interlocked.Increment(ref Calls);
        return Task.FromResult(text);
    }
}

internal static class PrepareFixture
{
    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "michi-prepare-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary><paramref name="words"/> bursts of 0.3 s (a tone plus a little noise), 0.25 s apart, with 0.2 s of silence at each end.</summary>
    public static float[] Speech(int words, int rate = 24000, double frequency = 220, int seed = 1)
    {
        var random = new Random(seed);
        int burst = (int)(0.3 * rate), gap = (int)(0.25 * rate), edge = (int)(0.2 * rate);
        var x = new float[2 * edge + words * burst + (words - 1) * gap];
        for (int w = 0; w < words; w++)
        {
            int at = edge + w * (burst + gap);
            for (int i = 0; i < burst; i++)
                x[at + i] = (float)(0.3 * Math.Sin(2 * Math.PI * frequency * (1 + 0.1 * w) * i / rate) + 0.05 * (random.NextDouble() - 0.5));
        }
        return x;
    }

    public static string Wav(string path, float[] samples, int rate = 24000)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        WavFile.Write(path, samples, rate);
        return path;
    }

    public static string WriteText(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A validated config over <paramref name="sources"/> (type, path) writing to root/out, energy alignment (fast, no PocketSphinx).</summary>
    public static PrepareConfig Config(string root, double maxSeconds = 20, string aligner = "energy", params (string Type, string Path)[] sources) =>
        new PrepareConfig
        {
            Output = Path.Combine(root, "out"), SegmentMaxSeconds = maxSeconds, Aligner = aligner,
            Sources = [.. sources.Select(s => new PrepareSourceConfig { Type = s.Type, Path = s.Path })],
        }.Validated(Path.Combine(root, "config.json"), root);

    public static Task<PrepareReport> Run(PrepareConfig config, int workers = 1, ITranscriber? transcriber = null, TextWriter? log = null) =>
        PreparePipeline.RunAsync(config, new PrepareOptions { Workers = workers, Transcriber = transcriber, Log = log ?? TextWriter.Null });

    public static string SpeechDir(PrepareConfig config) => Path.Combine(config.Output!, PreparePipeline.SpeechFolder);

    /// <summary>Every file under <paramref name="dir"/> (relative path → SHA-256).</summary>
    public static SortedDictionary<string, string> Hashes(string dir) =>
        new(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), AtomicFile.Sha256), StringComparer.Ordinal);
}
