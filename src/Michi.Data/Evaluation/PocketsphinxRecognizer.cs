// Open-vocabulary speech recognition with CMU PocketSphinx (Debian main: pocketsphinx,
// pocketsphinx-en-us), the independent recogniser of the intelligibility measures
// (docs/quality.md; ../shared/NOTES.md): the en-us acoustic model with its default 3-gram
// language model (en-us.lm.bin) and CMUdict, 16 kHz mono input. Independent means it shares no
// part with Michi's models, so a codec or speech model cannot learn to please it; its absolute
// WER is mediocre (≈ 15–25 % on the clearest TTS voices, ≈ 28 % on real read speech), so it is
// only used comparatively: the same audio through the codec against the original, a model's
// speech against the TTS voices it learnt from.
// Same program, model and process handling as the forced aligner (Synthesis.PocketsphinxAligner,
// Synthesis.ProcessRunner); here with the language model instead of a one-path grammar.
// pocketsphinx_continuous -infile segments the audio at pauses and prints one line of words per
// segment; the lines joined are the hypothesis.
using Michi.Audio;
using Michi.Data.Synthesis;

namespace Michi.Data.Evaluation;

public sealed class PocketsphinxRecognizer
{
    public const int DecoderRate = 16000;

    public PocketsphinxRecognizer(string? modelDirectory = null, TimeSpan? timeout = null)
    {
        ModelDirectory = modelDirectory ?? PocketsphinxAligner.ModelDirectory;
        Timeout = timeout ?? TimeSpan.FromMinutes(5);
    }

    public static PocketsphinxRecognizer Default { get; } = new();

    /// <summary>Holds en-us/ (acoustic model), en-us.lm.bin and cmudict-en-us.dict.</summary>
    public string ModelDirectory { get; }

    /// <summary>Longest one file may take before the process is killed.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Names the recogniser and its model in results files.</summary>
    public string Description => $"{PocketsphinxAligner.Program} ({ModelDirectory}: en-us acoustic model, en-us.lm.bin, cmudict-en-us.dict)";

    public const string InstallHint = "pocketsphinx pocketsphinx-en-us";

    string AcousticModel => Path.Combine(ModelDirectory, "en-us");
    string LanguageModel => Path.Combine(ModelDirectory, "en-us.lm.bin");
    string Dictionary => Path.Combine(ModelDirectory, "cmudict-en-us.dict");

    /// <summary>Whether the program and the whole model are installed. Cheap; never throws.</summary>
    public bool IsAvailable() =>
        ProcessRunner.OnPath(PocketsphinxAligner.Program) && Directory.Exists(AcousticModel) && File.Exists(LanguageModel) && File.Exists(Dictionary);

    /// <summary>Throws an InvalidInputException saying what to install when <see cref="IsAvailable"/> is false.</summary>
    public void EnsureAvailable()
    {
        if (!IsAvailable())
            throw new InvalidInputException(
                $"{PocketsphinxAligner.Program} with its en-us model ({ModelDirectory}) is not installed: apt install {InstallHint} (scripts/setup.sh)");
    }

    /// <summary>The recognised words, lower case, space-separated ("" when nothing was heard).
    /// Any rate is resampled to 16 kHz first.</summary>
    public async Task<string> RecognizeAsync(float[] samples, int sampleRate, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1);
        EnsureAvailable();
        string dir = Directory.CreateTempSubdirectory("michi-asr-").FullName;
        try
        {
            string wav = Path.Combine(dir, "in.wav");
            float[] x16 = sampleRate == DecoderRate ? samples : Resampler.Resample(samples, sampleRate, DecoderRate);
            WavFile.Write(wav, x16, DecoderRate);
            var r = await ProcessRunner.RunAsync(PocketsphinxAligner.Program,
                ["-infile", wav, "-hmm", AcousticModel, "-lm", LanguageModel, "-dict", Dictionary, "-logfn", "/dev/null"],
                timeout: Timeout, ct: ct);
            if (r.ExitCode != 0)
                throw new InvalidOperationException(
                    $"{PocketsphinxAligner.Program} failed with exit code {r.ExitCode}: {r.Stderr.ReplaceLineEndings(" ").Trim()}");
            return ParseHypothesis(r.Stdout);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>One line of words per segment → one space-separated string; filler tokens
    /// (&lt;sil&gt;, [NOISE], +um+) and alternative-pronunciation marks ("read(2)") removed.</summary>
    internal static string ParseHypothesis(string stdout)
    {
        var words = new List<string>();
        foreach (string token in stdout.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (token.StartsWith('<') || token.StartsWith('[') || token.StartsWith('+')) continue;
            int alt = token.IndexOf('(');
            words.Add(alt > 0 ? token[..alt] : token);
        }
        return string.Join(' ', words);
    }
}
