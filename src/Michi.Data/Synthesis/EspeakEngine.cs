// espeak-ng through its C API (libespeak-ng.so.1, in Debian's espeak-ng package), synchronous
// mode: the library calls back with audio blocks and events, and each espeakEVENT_WORD carries
// the word's character offset and its exact sample index, so word onsets are exact; ends are
// the next onset trimmed to the end of sound (SynthOutput). Native rate 22.05 kHz.
// Rate → words per minute (175 × rate, clamped to 80–450), pitch → base pitch (50 × pitch on
// espeak's 0–100 scale). Voices: the English voices (no mbrola ones: they lose word events);
// any voice takes a variant suffix, "en-us+m3".
// The library has one global state: every call holds EspeakNative.Lock.
using System.Runtime.InteropServices;

namespace Michi.Data.Synthesis;

public sealed class EspeakEngine : ITtsEngine
{
    static int s_sampleRate;           // 0: not tried, -1: failed
    static EspeakNative.SynthCallback? s_callback; // rooted: native code holds a pointer to it
    static List<short>? s_samples;     // the call in progress (under the lock)
    static List<EngineWord>? s_words;
    static CancellationToken s_ct;
    static IReadOnlyList<TtsVoice>? s_voices;

    public string Name => "espeak";
    public string InstallHint => "espeak-ng";

    public bool IsAvailable() => Initialize() > 0 && Voices.Count > 0;

    public IReadOnlyList<TtsVoice> Voices
    {
        get
        {
            if (Initialize() <= 0) return [];
            lock (EspeakNative.Lock) return s_voices ??= ListEnglishVoices();
        }
    }

    public Task<SynthResult> SynthesizeAsync(string text, string voice, double rate, double pitch, CancellationToken ct = default)
    {
        SynthOutput.CheckText(Name, text);
        if (Initialize() <= 0) throw new InvalidOperationException("espeak-ng is not installed (apt package espeak-ng)");
        return Task.Run(() => Synthesize(text, voice, rate, pitch, ct), ct);
    }

    SynthResult Synthesize(string text, string voice, double rate, double pitch, CancellationToken ct)
    {
        short[] pcm;
        EngineWord[] words;
        lock (EspeakNative.Lock)
        {
            if (EspeakNative.espeak_SetVoiceByName(EspeakNative.Utf8Z(voice)) != 0)
                throw new InvalidInputException($"espeak: unknown voice '{voice}'");
            EspeakNative.espeak_SetParameter(EspeakNative.ParamRate, Math.Clamp((int)Math.Round(175 * rate), 80, 450), 0);
            EspeakNative.espeak_SetParameter(EspeakNative.ParamPitch, Math.Clamp((int)Math.Round(50 * pitch), 0, 100), 0);
            s_samples = new List<short>(s_sampleRate * 4);
            s_words = [];
            s_ct = ct;
            byte[] utf8 = EspeakNative.Utf8Z(text);
            int error = EspeakNative.espeak_Synth(utf8, (nuint)utf8.Length, 0, EspeakNative.PosCharacter, 0,
                                                  EspeakNative.CharsUtf8 | EspeakNative.EndPause, IntPtr.Zero, IntPtr.Zero);
            ct.ThrowIfCancellationRequested();
            if (error != 0) throw new InvalidOperationException($"espeak_Synth failed with error {error}");
            pcm = [.. s_samples];
            words = [.. s_words];
            s_samples = null;
            s_words = null;
        }
        return SynthOutput.Finish(text, SynthOutput.FromPcm16(pcm), s_sampleRate, words, WordTimingSource.EngineEvents);
    }

    static int OnSynth(IntPtr wav, int numSamples, IntPtr events)
    {
        if (s_samples is null || s_words is null) return 1;
        if (wav != IntPtr.Zero && numSamples > 0)
        {
            var block = new short[numSamples];
            Marshal.Copy(wav, block, 0, numSamples);
            s_samples.AddRange(block);
        }
        int size = Marshal.SizeOf<EspeakNative.Event>();
        for (IntPtr p = events; p != IntPtr.Zero; p += size)
        {
            var e = Marshal.PtrToStructure<EspeakNative.Event>(p);
            if (e.Type == EspeakNative.EventListTerminated) break;
            if (e.Type == EspeakNative.EventWord)
                s_words.Add(new EngineWord("", e.TextPosition - 1, (double)e.Sample / s_sampleRate, double.NaN));
        }
        return s_ct.IsCancellationRequested ? 1 : 0; // non-zero aborts synthesis
    }

    /// <summary>Loads and initialises the library once; returns its sample rate, or -1.</summary>
    static int Initialize()
    {
        lock (EspeakNative.Lock)
        {
            if (s_sampleRate != 0) return s_sampleRate;
            s_sampleRate = -1;
            if (!NativeLibrary.TryLoad(EspeakNative.Library, out _)) return s_sampleRate;
            const int DontExit = 0x8000; // report errors instead of calling exit()
            int rate = EspeakNative.espeak_Initialize(EspeakNative.AudioOutputSynchronous, 0, IntPtr.Zero, DontExit);
            if (rate <= 0) return s_sampleRate;
            s_callback = OnSynth;
            EspeakNative.espeak_SetSynthCallback(Marshal.GetFunctionPointerForDelegate(s_callback));
            return s_sampleRate = rate;
        }
    }

    static List<TtsVoice> ListEnglishVoices()
    {
        var voices = new List<TtsVoice>();
        IntPtr list = EspeakNative.espeak_ListVoices(IntPtr.Zero);
        for (int i = 0; list != IntPtr.Zero; i++)
        {
            IntPtr v = Marshal.ReadIntPtr(list, i * IntPtr.Size);
            if (v == IntPtr.Zero) break;
            var voice = Marshal.PtrToStructure<EspeakNative.Voice>(v);
            string language = Marshal.PtrToStringUTF8(voice.Languages + 1) ?? ""; // skip the priority byte
            string identifier = Marshal.PtrToStringUTF8(voice.Identifier) ?? "";
            if (!language.StartsWith("en", StringComparison.Ordinal) || identifier.StartsWith("mb/", StringComparison.Ordinal)) continue;
            string name = identifier[(identifier.LastIndexOf('/') + 1)..].ToLowerInvariant();
            voices.Add(new TtsVoice("espeak", name, $"{Marshal.PtrToStringUTF8(voice.Name)} (formant synthesis; add +m1..m7/+f1..f5 for variants)"));
        }
        return [.. voices.OrderBy(v => v.Name, StringComparer.Ordinal)];
    }
}
