// Which engines exist, which of their voices are installed, and what a user's voice list means.
// A voice list is comma-separated: "engine:voice" (rhvoice:slt), "engine" (all its voices) or
// "all". Voices of engines that are not installed are reported and left out, not fatal; a voice
// an installed engine does not have is a typo and is an error. The default set is the voices an
// independent recogniser understands best (NOTES.md: WER ≈ 14–25 %).
namespace Michi.Data.Synthesis;

/// <summary>A voice ready to use, with the engine that speaks it.</summary>
public sealed record EngineVoice(ITtsEngine Engine, TtsVoice Voice)
{
    public string Id => Voice.Id;
}

/// <summary>The outcome of resolving a voice list: usable voices, and what was asked for but is missing.</summary>
public sealed record VoiceSelection(IReadOnlyList<EngineVoice> Voices, IReadOnlyList<string> Missing);

public sealed class VoiceCatalog
{
    public static readonly IReadOnlyList<string> DefaultVoiceIds =
    [
        "rhvoice:alan", "rhvoice:bdl", "rhvoice:clb", "rhvoice:slt",
        "flite:rms", "flite:kal16",
        "festival:cmu_us_slt_arctic_hts", "festival:kal_diphone",
    ];

    public VoiceCatalog(IReadOnlyList<ITtsEngine> engines) => Engines = engines;

    /// <summary>Every engine Michi knows, most natural first.</summary>
    public static VoiceCatalog Installed() =>
        new([new RhVoiceEngine(), new FestivalEngine(), new FliteEngine(), new PicoEngine(), new EspeakEngine()]);

    public IReadOnlyList<ITtsEngine> Engines { get; }

    /// <summary>Resolves a comma-separated voice list (null or empty: the default set).</summary>
    public VoiceSelection Resolve(string? spec)
    {
        var items = string.IsNullOrWhiteSpace(spec)
            ? DefaultVoiceIds
            : spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var voices = new List<EngineVoice>();
        var missing = new List<string>();
        foreach (string item in items)
        {
            if (item == "all")
            {
                foreach (var engine in Engines.Where(e => e.IsAvailable()))
                    voices.AddRange(engine.Voices.Select(v => new EngineVoice(engine, v)));
                continue;
            }
            int colon = item.IndexOf(':');
            string engineName = colon < 0 ? item : item[..colon];
            var e = Engines.FirstOrDefault(x => x.Name == engineName)
                    ?? throw new InvalidInputException($"--voices: unknown engine '{engineName}' (known: {string.Join(", ", Engines.Select(x => x.Name))})");
            if (!e.IsAvailable())
            {
                missing.Add($"{item} (engine {e.Name} not installed: apt install {e.InstallHint})");
                continue;
            }
            if (colon < 0)
            {
                voices.AddRange(e.Voices.Select(v => new EngineVoice(e, v)));
                continue;
            }
            string name = item[(colon + 1)..];
            var voice = e.Voices.FirstOrDefault(v => v.Name == name);
            // espeak-ng voices take a variant suffix ("en-us+m3") that is not listed separately.
            if (voice == null && e is EspeakEngine && name.Contains('+') && e.Voices.Any(v => v.Name == name[..name.IndexOf('+')]))
                voice = new TtsVoice(e.Name, name, "espeak-ng variant");
            if (voice == null)
                throw new InvalidInputException($"--voices: {e.Name} has no voice '{name}' (installed: {string.Join(", ", e.Voices.Select(v => v.Name))})");
            voices.Add(new EngineVoice(e, voice));
        }
        return new VoiceSelection([.. voices.DistinctBy(v => v.Id)], missing);
    }
}
