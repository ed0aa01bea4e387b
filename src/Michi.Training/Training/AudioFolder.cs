// Training audio: every WAV under a folder (recursively, case-insensitive ".wav"), read whole,
// down-mixed to mono and resampled to the codec's rate at the edge (Michi.Audio), held in
// memory as float arrays (24 kHz float32 ≈ 346 MB per hour; the CPU corpora here are minutes
// to a few hours). Files are sorted by relative path (ordinal), so the same folder always gives
// the same order. Validation files are chosen by a fixed hash of the relative path (the N
// smallest), independent of the seed and stable when files are added. With a single file it
// serves both roles (said in the summary). Crops are drawn by a TrainingRandom: a file with
// probability proportional to its length (every second of audio equally likely), then a
// uniform start; a file shorter than the crop is zero-padded on the right (as HiFi-GAN does).
// Empty files are skipped; a folder with no usable audio is an InvalidInputException.
using Michi.Audio;

namespace Michi.Training;

public sealed record AudioClip(string RelativePath, float[] Samples);

public sealed class AudioFolder
{
    private readonly long[] _cumulative;   // _cumulative[i] = samples in training clips 0 … i

    private AudioFolder(string root, int sampleRate, IReadOnlyList<AudioClip> training, IReadOnlyList<AudioClip> validation,
        int skippedEmpty)
    {
        Root = root;
        SampleRate = sampleRate;
        Training = training;
        Validation = validation;
        SkippedEmpty = skippedEmpty;
        _cumulative = new long[training.Count];
        long total = 0;
        for (int i = 0; i < training.Count; i++) _cumulative[i] = total += training[i].Samples.Length;
    }

    public string Root { get; }
    public int SampleRate { get; }
    public IReadOnlyList<AudioClip> Training { get; }
    public IReadOnlyList<AudioClip> Validation { get; }
    public int SkippedEmpty { get; }
    public long TrainingSamples => _cumulative.Length == 0 ? 0 : _cumulative[^1];
    public double TrainingSeconds => (double)TrainingSamples / SampleRate;

    /// <summary>Loads every WAV under <paramref name="directory"/>; <paramref name="validationFiles"/>
    /// of them (when more than one file exists) are held out for validation.</summary>
    public static AudioFolder Load(string directory, int sampleRate, int validationFiles, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentOutOfRangeException.ThrowIfNegative(validationFiles);
        if (!Directory.Exists(directory))
            throw InvalidInputException.ForFile(directory, File.Exists(directory) ? "is a file, expected a folder of WAV files" : "data folder not found");
        string root = Path.GetFullPath(directory);
        var paths = Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, MatchCasing = MatchCasing.CaseInsensitive })
            .Where(p => p.EndsWith(".wav", StringComparison.OrdinalIgnoreCase))
            .Select(p => Path.GetRelativePath(root, p))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (paths.Count == 0) throw InvalidInputException.ForFile(directory, "no .wav files found (searched recursively)");

        var clips = new List<AudioClip>(paths.Count);
        int empty = 0;
        foreach (string relative in paths)
        {
            ct.ThrowIfCancellationRequested();
            float[] samples = ReadAt(Path.Combine(root, relative), sampleRate);
            if (samples.Length == 0) empty++;
            else clips.Add(new AudioClip(relative, samples));
        }
        if (clips.Count == 0) throw InvalidInputException.ForFile(directory, $"all {paths.Count} .wav files are empty");

        if (clips.Count == 1) return new AudioFolder(root, sampleRate, clips, validationFiles > 0 ? clips : [], empty);
        int held = Math.Min(validationFiles, clips.Count - 1);
        var validationSet = clips.OrderBy(c => StableHash(c.RelativePath)).ThenBy(c => c.RelativePath, StringComparer.Ordinal)
            .Take(held).Select(c => c.RelativePath).ToHashSet(StringComparer.Ordinal);
        return new AudioFolder(root, sampleRate, clips.Where(c => !validationSet.Contains(c.RelativePath)).ToList(),
            clips.Where(c => validationSet.Contains(c.RelativePath)).ToList(), empty);
    }

    /// <summary>Mono samples of a WAV file at <paramref name="sampleRate"/> (down-mixed, resampled if needed).</summary>
    public static float[] ReadAt(string path, int sampleRate)
    {
        var (samples, rate) = WavFile.ReadMono(path);
        return rate == sampleRate || samples.Length == 0 ? samples : Resampler.Resample(samples, rate, sampleRate);
    }

    /// <summary>Fills <paramref name="batch"/> (B × crop, row-major) with B random crops.</summary>
    public void SampleBatch(TrainingRandom random, Span<float> batch, int batchSize, int crop)
    {
        if (batch.Length != batchSize * crop) throw new ArgumentException($"batch buffer holds {batch.Length}, not {batchSize}×{crop}");
        batch.Clear();
        for (int b = 0; b < batchSize; b++)
        {
            long position = random.NextInt64(TrainingSamples);
            int index = Array.BinarySearch(_cumulative, position + 1);
            if (index < 0) index = ~index;
            float[] clip = Training[index].Samples;
            int start = clip.Length > crop ? (int)random.NextInt64(clip.Length - crop + 1) : 0;
            clip.AsSpan(start, Math.Min(crop, clip.Length)).CopyTo(batch.Slice(b * crop, crop));
        }
    }

    /// <summary>One line for logs: counts and durations.</summary>
    public string Describe() =>
        $"{Training.Count} training file(s), {TrainingSeconds:0.#} s; {Validation.Count} validation file(s)" +
        (Validation.Count == 1 && Training.Count == 1 ? " (the only file, also used for training)" : "") +
        (SkippedEmpty > 0 ? $"; {SkippedEmpty} empty file(s) skipped" : "");

    /// <summary>FNV-1a over the UTF-8 path with '/' separators: stable across runs and platforms.</summary>
    internal static ulong StableHash(string relativePath)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in System.Text.Encoding.UTF8.GetBytes(relativePath.Replace('\\', '/')))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return hash;
    }
}
