// Forced alignment with CMU PocketSphinx (Debian main: pocketsphinx, pocketsphinx-en-us): the
// text becomes a one-path JSGF grammar, so recognition can only produce the transcript and the
// decoder's word segmentation (10 ms frames, optional silences between words) is the alignment.
// Used for engines that report no word times (pico) or only coarse ones (RHVoice). Written words
// map to spoken tokens through SpokenForm; each run gets a small dictionary of just its tokens:
// CMUdict's pronunciations, else flite's letter-to-sound rules (FliteLexicon). Tokens with no
// pronunciation are left out of the grammar and their word takes the gap between its aligned
// neighbours. Pauses the decoder hung on a word's edge (≥ 100 ms of silence by the energy
// envelope) are trimmed off. Returns null when the decoder cannot finish the path.
// Accuracy against exact engine times: docs/data.md.
using System.Globalization;
using System.Text;
using Michi.Audio;

namespace Michi.Data.Synthesis;

public sealed class PocketsphinxAligner
{
    public const string Program = "pocketsphinx_continuous";
    public const string ModelDirectory = "/usr/share/pocketsphinx/model/en-us";
    const int DecoderRate = 16000;
    static readonly Lazy<Dictionary<string, List<string>>?> s_dictionary = new(LoadDictionary);

    public static PocketsphinxAligner Default { get; } = new();

    public bool IsAvailable() => ProcessRunner.OnPath(Program) && s_dictionary.Value != null;

    /// <summary>One timing per written word, or null when alignment failed.</summary>
    public async Task<WordTiming[]?> AlignAsync(float[] samples, int sampleRate, IReadOnlyList<string> words, CancellationToken ct = default)
    {
        var dictionary = s_dictionary.Value;
        if (dictionary == null || words.Count == 0) return null;
        // Spoken tokens per written word, and the flat grammar sequence.
        var owner = new List<int>();
        var grammar = new List<string>();
        var lexicon = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        for (int w = 0; w < words.Count; w++)
            foreach (string token in SpokenForm.Tokens(words[w]))
            {
                if (!lexicon.ContainsKey(token))
                {
                    if (dictionary.TryGetValue(token, out var known)) lexicon[token] = known;
                    else if (FliteLexicon.Pronounce(token) is { } phones) lexicon[token] = [string.Join(' ', phones)];
                    else continue;
                }
                grammar.Add(token);
                owner.Add(w);
            }
        if (grammar.Count == 0) return null;

        string dir = Directory.CreateTempSubdirectory("michi-align-").FullName;
        try
        {
            string wav = Path.Combine(dir, "in.wav"), jsgf = Path.Combine(dir, "text.jsgf"), dict = Path.Combine(dir, "words.dict");
            float[] x16 = sampleRate == DecoderRate ? samples : Resampler.Resample(samples, sampleRate, DecoderRate);
            WavFile.Write(wav, x16, DecoderRate);
            await File.WriteAllTextAsync(jsgf, $"#JSGF V1.0;\ngrammar align;\npublic <s> = {string.Join(' ', grammar)};\n", ct);
            await File.WriteAllLinesAsync(dict, lexicon.SelectMany(e => e.Value.Select((p, i) => i == 0 ? $"{e.Key} {p}" : $"{e.Key}({i + 1}) {p}")), ct);
            var r = await ProcessRunner.RunAsync(Program, ["-infile", wav, "-jsgf", jsgf, "-dict", dict, "-time", "yes", "-logfn", "/dev/null"], ct: ct);
            if (r.ExitCode != 0) return null;
            var aligned = ParseSegments(r.Stdout);
            if (aligned.Count != grammar.Count) return null;

            var start = new double[words.Count];
            var end = new double[words.Count];
            Array.Fill(start, double.NaN);
            for (int k = 0; k < grammar.Count; k++)
            {
                int w = owner[k];
                if (double.IsNaN(start[w])) start[w] = aligned[k].Start;
                end[w] = aligned[k].End;
            }
            var timings = FillGaps(words, start, end, (double)samples.Length / sampleRate);
            return EnergyEnvelope.TrimSilentEdges(timings, EnergyEnvelope.Active(EnergyEnvelope.LevelsDb(samples, sampleRate)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Word segments from `-time yes` output: "word start end score" lines, fillers dropped.</summary>
    internal static List<(string Word, double Start, double End)> ParseSegments(string stdout)
    {
        var segments = new List<(string, double, double)>();
        foreach (string line in stdout.Split('\n'))
        {
            string[] f = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length != 4 || !double.TryParse(f[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double s) ||
                !double.TryParse(f[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double e)) continue;
            string word = f[0];
            if (word.StartsWith('<') || word.StartsWith('[') || word.StartsWith('+')) continue; // <sil>, <s>, [NOISE], +um+
            int alt = word.IndexOf('(');
            // A frame's segment ends at the start of its last frame: add the frame back.
            segments.Add((alt > 0 ? word[..alt] : word, s, e + 0.01));
        }
        return segments;
    }

    /// <summary>Words that were not in the grammar take the gap between their aligned neighbours.</summary>
    static WordTiming[] FillGaps(IReadOnlyList<string> words, double[] start, double[] end, double duration)
    {
        var result = new WordTiming[words.Count];
        for (int w = 0; w < words.Count; w++)
        {
            if (!double.IsNaN(start[w])) { result[w] = new WordTiming(words[w], start[w], end[w]); continue; }
            double gapStart = w > 0 ? result[w - 1].End : 0;
            double gapEnd = duration;
            for (int j = w + 1; j < words.Count; j++)
                if (!double.IsNaN(start[j])) { gapEnd = start[j]; break; }
            // A word with spoken tokens (an out-of-vocabulary name) gets the gap; punctuation gets nothing.
            bool spoken = SpokenForm.Tokens(words[w]).Count > 0;
            result[w] = new WordTiming(words[w], gapStart, spoken ? Math.Max(gapStart, gapEnd) : gapStart);
        }
        return result;
    }

    /// <summary>CMUdict as word → pronunciations ("HH AH L OW"), alternatives in file order.</summary>
    static Dictionary<string, List<string>>? LoadDictionary()
    {
        string path = Path.Combine(ModelDirectory, "cmudict-en-us.dict");
        if (!File.Exists(path) || !Directory.Exists(Path.Combine(ModelDirectory, "en-us"))) return null;
        var words = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(path, Encoding.UTF8))
        {
            int space = line.IndexOf(' ');
            if (space <= 0) continue;
            string word = line[..space];
            int alt = word.IndexOf('(');
            if (alt > 0) word = word[..alt];
            if (!words.TryGetValue(word, out var list)) words[word] = list = [];
            list.Add(line[(space + 1)..].Trim());
        }
        return words;
    }
}
