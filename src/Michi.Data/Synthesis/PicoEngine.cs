// SVOX Pico (Debian non-free: libttspico-utils), run as `pico2wave` per utterance. Two English
// voices, en-US and en-GB, 16 kHz. Rate and pitch go in as Pico's own markup
// (<speed level="…"> <pitch level="…">, 100 = default). Pico reports no word times: they come
// from forced alignment (PocketsphinxAligner) or, without it, from EnergyAligner.
using Michi.Audio;

namespace Michi.Data.Synthesis;

public sealed class PicoEngine : ITtsEngine
{
    public const string Program = "pico2wave", LanguageDirectory = "/usr/share/pico/lang";
    readonly PocketsphinxAligner _aligner;
    IReadOnlyList<TtsVoice>? _voices;

    public PicoEngine(PocketsphinxAligner? aligner = null) => _aligner = aligner ?? PocketsphinxAligner.Default;

    public string Name => "pico";
    public string InstallHint => "libttspico-utils (Debian non-free)";

    public bool IsAvailable() => Voices.Count > 0;

    public IReadOnlyList<TtsVoice> Voices => _voices ??= FindVoices();

    public async Task<SynthResult> SynthesizeAsync(string text, string voice, double rate, double pitch, CancellationToken ct = default)
    {
        SynthOutput.CheckText(Name, text);
        if (!Voices.Any(v => v.Name == voice)) throw new InvalidInputException($"pico: unknown voice '{voice}'");
        string dir = Directory.CreateTempSubdirectory("michi-pico-").FullName;
        try
        {
            string wav = Path.Combine(dir, "out.wav");
            // Angle brackets would be read as markup: they are not spoken anyway.
            string safe = text.Replace('<', ' ').Replace('>', ' ');
            string markup = $"<speed level=\"{Math.Round(100 * rate)}\"><pitch level=\"{Math.Round(100 * pitch)}\">{safe}</pitch></speed>";
            var r = await ProcessRunner.RunAsync(Program, ["-l", voice, "-w", wav, markup], ct: ct);
            if (r.ExitCode != 0 || !File.Exists(wav))
                throw new InvalidOperationException($"pico2wave failed: {r.Stderr.ReplaceLineEndings(" ").Trim()}");
            var (samples, sampleRate) = WavFile.ReadMono(wav);
            return await SynthOutput.AlignAsync(text, samples, sampleRate, _aligner, fallback: null, ct);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    static List<TtsVoice> FindVoices()
    {
        if (!ProcessRunner.OnPath(Program) || !Directory.Exists(LanguageDirectory)) return [];
        var voices = new List<TtsVoice>();
        foreach (string language in new[] { "en-US", "en-GB" })
            if (Directory.GetFiles(LanguageDirectory, $"{language}_*").Length > 0)
                voices.Add(new TtsVoice("pico", language, language == "en-US" ? "US English female" : "British English female"));
        return voices;
    }
}
