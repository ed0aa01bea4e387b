// The contract every text-to-speech engine implements, and the values it returns.
// Rate and pitch are multipliers of the voice's own default (1 = as the voice ships), so one
// sampling range fits every engine; each engine maps them onto its native controls.
// Word timings always describe the whitespace-separated words of the input text (punctuation
// kept, see TextWords), one entry per word, whatever the engine calls a word: the text stream
// built from them then reproduces the text exactly.
namespace Michi.Data.Synthesis;

/// <summary>One word of the input text and when it is spoken, in seconds from the start.</summary>
public sealed record WordTiming(string Word, double Start, double End);

/// <summary>How word timings were obtained, from most to least exact.</summary>
public enum WordTimingSource
{
    /// <summary>The engine reported each word's sample position while synthesising (espeak-ng, RHVoice).</summary>
    EngineEvents,

    /// <summary>Read from the engine's utterance structure: segment end times (festival, flite).</summary>
    UtteranceStructure,

    /// <summary>Forced alignment of the text to the audio by a recogniser (PocketsphinxAligner).</summary>
    ForcedAlignment,

    /// <summary>Estimated from the audio's energy envelope and word lengths (EnergyAligner).</summary>
    EnergyEstimate,
}

/// <summary>One synthesised utterance: 24 kHz mono samples and one timing per input word.</summary>
public sealed record SynthResult(float[] Samples24k, WordTiming[] Words, WordTimingSource Timing)
{
    public const int SampleRate = 24000;

    public double DurationSeconds => (double)Samples24k.Length / SampleRate;
}

/// <summary>A voice of an engine; <see cref="Id"/> ("engine:name") is what users type.</summary>
public sealed record TtsVoice(string Engine, string Name, string Description)
{
    public string Id => $"{Engine}:{Name}";
}

/// <summary>A speech synthesiser. Implementations are thread-safe (they serialise internally
/// where the native library is not).</summary>
public interface ITtsEngine
{
    /// <summary>Short lower-case name, the prefix of its voice ids ("rhvoice").</summary>
    string Name { get; }

    /// <summary>What to install when the engine is missing (Debian package names).</summary>
    string InstallHint { get; }

    /// <summary>Whether the engine and at least one voice are installed. Cheap; never throws.</summary>
    bool IsAvailable();

    /// <summary>Installed voices (empty when unavailable).</summary>
    IReadOnlyList<TtsVoice> Voices { get; }

    /// <summary>Speaks <paramref name="text"/> with voice <paramref name="voice"/> (a name from
    /// <see cref="Voices"/>, without the engine prefix); rate and pitch are multipliers of the
    /// voice's defaults.</summary>
    Task<SynthResult> SynthesizeAsync(string text, string voice, double rate, double pitch, CancellationToken ct = default);
}
