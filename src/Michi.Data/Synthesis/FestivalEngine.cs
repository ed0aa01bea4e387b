// The Festival Speech Synthesis System (Debian: festival + festvox-* voices; the mbrola voices
// us1/us2/us3/en1 also need mbrola), driven by a generated Scheme script per utterance sent to a
// pooled long-lived `festival --pipe` process (FestivalProcess). Word times are exact: the script walks the utterance's Token relation
// and prints, per spoken token, its first word's word_start and last word's word_end (segment
// times), which TextWords matches to the input words by name. Those times are checked against the
// audio: us3_mbrola sometimes stops mid-utterance (seen: 0.61 s of audio for 3.55 s of words, 3
// of 2,193 utterances), and such an utterance is an error (reported and skipped by data synth),
// not a record with impossible word times.
// Rate: Duration_Stretch = 1 / rate (diphone, mbrola voices) or the HTS engine's -r speed.
// Pitch: target_f0_mean/std of int_lr_params scaled (diphone, mbrola) or HTS -fm semitones.
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Michi.Audio;

namespace Michi.Data.Synthesis;

public sealed class FestivalEngine : ITtsEngine
{
    public const string VoicesDirectory = "/usr/share/festival/voices";
    static readonly string[] s_englishDirectories = ["english", "us"];
    readonly ConcurrentBag<FestivalProcess> _pool = [];
    IReadOnlyList<TtsVoice>? _voices;

    public string Name => "festival";
    public string InstallHint => "festival festvox-kallpc16k festvox-us-slt-hts (more: festvox-rablpc16k, festvox-us1 ...)";

    public bool IsAvailable() => Voices.Count > 0;

    public IReadOnlyList<TtsVoice> Voices => _voices ??= ProcessRunner.OnPath("festival") ? FindVoices() : [];

    public async Task<SynthResult> SynthesizeAsync(string text, string voice, double rate, double pitch, CancellationToken ct = default)
    {
        SynthOutput.CheckText(Name, text);
        if (!Voices.Any(v => v.Name == voice)) throw new InvalidInputException($"festival: unknown voice '{voice}'");
        string dir = Directory.CreateTempSubdirectory("michi-festival-").FullName;
        FestivalProcess process = _pool.TryTake(out var p) && p.Healthy ? p : FestivalProcess.Start();
        try
        {
            string wav = Path.Combine(dir, "out.wav");
            string stdout = await process.RunAsync(Script(text, voice, rate, pitch, wav), TimeSpan.FromMinutes(2), ct);
            if (!stdout.Contains("MICHI-OK", StringComparison.Ordinal) || !File.Exists(wav))
            {
                process.Discard(); // its state after a failed script is unknown
                throw new InvalidOperationException($"festival failed for voice {voice}: {process.LastErrors}");
            }
            var (samples, sampleRate) = WavFile.ReadMono(wav);
            var tokens = ParseTokens(stdout);
            double duration = (double)samples.Length / sampleRate;
            if (tokens.Count > 0 && tokens.Max(t => double.IsNaN(t.End) ? t.Start : t.End) > duration + 0.05)
                throw new InvalidOperationException(
                    $"festival voice {voice} stopped early: {duration:F2} s of audio for {tokens.Max(t => double.IsNaN(t.End) ? t.Start : t.End):F2} s of words");
            return SynthOutput.Finish(text, samples, sampleRate, tokens, WordTimingSource.UtteranceStructure);
        }
        finally
        {
            if (process.Healthy) _pool.Add(process); else process.Dispose();
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The Scheme program: select the voice, set rate and pitch, synthesise, save, print tokens.</summary>
    internal static string Script(string text, string voice, double rate, double pitch, string wavPath)
    {
        string F(double x) => x.ToString("0.#####", CultureInfo.InvariantCulture);
        // One top-level form: a Scheme error anywhere skips the rest, so MICHI-OK at the end
        // proves the whole script ran (festival reports errors on stderr and carries on).
        // Globals are michi-prefixed: the process is reused, and plain names such as `last`
        // are festival's own functions.
        var s = new StringBuilder("(begin\n");
        s.AppendLine($"(voice_{voice})");
        if (voice.Contains("hts", StringComparison.Ordinal))
        {
            s.AppendLine("(Parameter.set 'Duration_Stretch 1)"); // a pooled process may hold a previous value
            s.AppendLine($"(set! hts_engine_params (append hts_engine_params (list (list \"-r\" {F(rate)}) (list \"-fm\" {F(12 * Math.Log2(pitch))}))))");
        }
        else
        {
            s.AppendLine($"(Parameter.set 'Duration_Stretch {F(1 / rate)})");
            s.AppendLine($$"""
                (define (michi-scale params key factor)
                  (if (assoc key params) (cons (list key (* factor (car (cdr (assoc key params))))) params) params))
                (if (and (boundp 'int_lr_params) int_lr_params)
                  (set! int_lr_params (michi-scale (michi-scale int_lr_params 'target_f0_mean {{F(pitch)}}) 'target_f0_std {{F(pitch)}})))
                """);
        }
        s.AppendLine($"(set! michi-utt (Utterance Text \"{Escape(text)}\"))");
        s.AppendLine("(utt.synth michi-utt)");
        s.AppendLine($"(utt.save.wave michi-utt \"{Escape(wavPath)}\" 'riff)");
        // Per spoken token: name, first word's start, last word's end. Punctuation daughters are
        // not in the Word relation and are skipped.
        s.AppendLine("""
            (set! michi-tok (utt.relation.first michi-utt 'Token))
            (while michi-tok
              (set! michi-first nil) (set! michi-last nil)
              (mapcar (lambda (d) (if (item.relation d 'Word)
                                    (begin (if (not michi-first) (set! michi-first (item.relation d 'Word))) (set! michi-last (item.relation d 'Word)))))
                      (item.daughters michi-tok))
              (if michi-first (format t "MICHI-TOKEN\t%s\t%f\t%f\n" (item.name michi-tok) (item.feat michi-first "word_start") (item.feat michi-last "word_end")))
              (set! michi-tok (item.next michi-tok)))
            (format t "MICHI-OK\n"))
            """);
        return s.ToString();
    }

    internal static List<EngineWord> ParseTokens(string stdout)
    {
        var words = new List<EngineWord>();
        foreach (string line in stdout.Split('\n'))
        {
            string[] f = line.TrimEnd('\r').Split('\t');
            if (f.Length == 4 && f[0] == "MICHI-TOKEN" &&
                double.TryParse(f[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double start) &&
                double.TryParse(f[3], NumberStyles.Float, CultureInfo.InvariantCulture, out double end))
                words.Add(new EngineWord(f[1], -1, start, end));
        }
        return words;
    }

    /// <summary>A Scheme string literal's body: backslash and quote escaped, control characters as spaces.</summary>
    internal static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
            sb.Append(c switch { '\\' => "\\\\", '"' => "\\\"", _ when char.IsControl(c) => " ", _ => c.ToString() });
        return sb.ToString();
    }

    static List<TtsVoice> FindVoices()
    {
        var voices = new List<TtsVoice>();
        foreach (string language in s_englishDirectories)
        {
            string dir = Path.Combine(VoicesDirectory, language);
            if (!Directory.Exists(dir)) continue;
            foreach (string voiceDir in Directory.GetDirectories(dir))
            {
                string name = Path.GetFileName(voiceDir);
                bool mbrola = name.EndsWith("_mbrola", StringComparison.Ordinal);
                if (mbrola && !ProcessRunner.OnPath("mbrola")) continue;
                string kind = mbrola ? "mbrola diphone" : name.Contains("hts", StringComparison.Ordinal) ? "HTS statistical" : "diphone";
                voices.Add(new TtsVoice("festival", name, $"{language} English, {kind}"));
            }
        }
        return [.. voices.OrderBy(v => v.Name, StringComparer.Ordinal)];
    }

}
