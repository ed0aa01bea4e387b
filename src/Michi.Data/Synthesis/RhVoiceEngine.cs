// RHVoice (HTS statistical parametric voices; Debian non-free: rhvoice, rhvoice-english) through
// its C API. Native 24 kHz, the most natural voices here. Word starts and ends arrive as
// callbacks, but only between 100 ms audio blocks (the library's fixed client buffer), so they
// bracket a word's start to 100 ms and no better. Word times therefore come from forced
// alignment (PocketsphinxAligner); the event times are the fallback when alignment fails.
// Rate and pitch map to RHVoice's relative_rate / relative_pitch multipliers directly.
// Native engine objects are not shared between threads: a small pool hands one to each caller.
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;

namespace Michi.Data.Synthesis;

public sealed class RhVoiceEngine : ITtsEngine
{
    sealed class Call
    {
        public int SampleRate;
        public readonly List<short> Samples = new(24000 * 4);
        public readonly List<(uint Position, long StartSample, long EndSample)> Words = [];
        public CancellationToken Ct;
    }

    static readonly RhVoiceNative.SetSampleRate s_setRate = OnSampleRate;   // rooted: native code keeps pointers
    static readonly RhVoiceNative.PlaySpeech s_play = OnSpeech;
    static readonly RhVoiceNative.WordEvent s_wordStarts = OnWordStarts, s_wordEnds = OnWordEnds;
    static readonly ConcurrentBag<IntPtr> s_pool = [];
    static readonly object s_probeLock = new();
    static bool? s_loaded;
    static IReadOnlyList<TtsVoice>? s_voices;

    public string Name => "rhvoice";
    public string InstallHint => "rhvoice rhvoice-english (Debian non-free)";

    public bool IsAvailable() => Voices.Count > 0;

    public IReadOnlyList<TtsVoice> Voices
    {
        get
        {
            lock (s_probeLock)
            {
                if (s_voices != null) return s_voices;
                s_loaded ??= NativeLibrary.TryLoad(RhVoiceNative.Library, out _) && Directory.Exists(RhVoiceNative.DataPath);
                if (s_loaded != true) return s_voices = [];
                IntPtr engine = Rent();
                try { return s_voices = ListEnglishVoices(engine); }
                finally { s_pool.Add(engine); }
            }
        }
    }

    readonly PocketsphinxAligner _aligner;

    public RhVoiceEngine(PocketsphinxAligner? aligner = null) => _aligner = aligner ?? PocketsphinxAligner.Default;

    public async Task<SynthResult> SynthesizeAsync(string text, string voice, double rate, double pitch, CancellationToken ct = default)
    {
        SynthOutput.CheckText(Name, text);
        if (!IsAvailable()) throw new InvalidOperationException($"RHVoice is not installed (apt packages {InstallHint})");
        if (!Voices.Any(v => v.Name == voice)) throw new InvalidInputException($"rhvoice: unknown voice '{voice}'");
        var (samples, sampleRate, events) = await Task.Run(() => Synthesize(text, voice, rate, pitch, ct), ct);
        return await SynthOutput.AlignAsync(text, samples, sampleRate, _aligner,
            () => SynthOutput.Finish(text, samples, sampleRate, events, WordTimingSource.EngineEvents), ct);
    }

    static (float[] Samples, int SampleRate, List<EngineWord> Events) Synthesize(string text, string voice, double rate, double pitch, CancellationToken ct)
    {
        var call = new Call { Ct = ct };
        var handle = GCHandle.Alloc(call);
        IntPtr profile = Marshal.StringToCoTaskMemUTF8(voice);
        IntPtr engine = Rent();
        try
        {
            var p = new RhVoiceNative.SynthParams
            {
                VoiceProfile = profile,
                RelativeRate = rate, RelativePitch = pitch, RelativeVolume = 1,
            };
            // The text stays pinned until the message is gone, in case the library keeps a pointer.
            byte[] utf8 = Encoding.UTF8.GetBytes(text);
            var pinned = GCHandle.Alloc(utf8, GCHandleType.Pinned);
            try
            {
                IntPtr message = RhVoiceNative.RHVoice_new_message(engine, pinned.AddrOfPinnedObject(), (uint)utf8.Length,
                                                                   RhVoiceNative.MessageText, ref p, GCHandle.ToIntPtr(handle));
                if (message == IntPtr.Zero) throw new InvalidOperationException("RHVoice_new_message failed");
                try
                {
                    int ok = RhVoiceNative.RHVoice_speak(message);
                    ct.ThrowIfCancellationRequested();
                    if (ok == 0) throw new InvalidOperationException("RHVoice_speak failed");
                }
                finally { RhVoiceNative.RHVoice_delete_message(message); }
            }
            finally { pinned.Free(); }
        }
        finally
        {
            s_pool.Add(engine);
            Marshal.FreeCoTaskMem(profile);
            handle.Free();
        }
        if (call.SampleRate <= 0) throw new InvalidOperationException("RHVoice produced no audio");
        double sr = call.SampleRate;
        var words = call.Words.Select(w => new EngineWord("", (int)w.Position, w.StartSample / sr,
                                                          w.EndSample < 0 ? double.NaN : w.EndSample / sr)).ToList();
        return (SynthOutput.FromPcm16(call.Samples.ToArray()), call.SampleRate, words);
    }

    static Call State(IntPtr userData) => (Call)GCHandle.FromIntPtr(userData).Target!;

    static int OnSampleRate(int sampleRate, IntPtr userData)
    {
        var call = State(userData);
        if (call.SampleRate != 0 && call.SampleRate != sampleRate) return 0; // a mid-message change is not supported
        call.SampleRate = sampleRate;
        return 1;
    }

    static int OnSpeech(IntPtr samples, uint count, IntPtr userData)
    {
        var call = State(userData);
        var block = new short[count];
        Marshal.Copy(samples, block, 0, (int)count);
        call.Samples.AddRange(block);
        return call.Ct.IsCancellationRequested ? 0 : 1;
    }

    static int OnWordStarts(uint position, uint length, IntPtr userData)
    {
        var call = State(userData);
        call.Words.Add((position, call.Samples.Count, -1));
        return 1;
    }

    static int OnWordEnds(uint position, uint length, IntPtr userData)
    {
        var call = State(userData);
        for (int i = call.Words.Count - 1; i >= 0; i--)
            if (call.Words[i].Position == position)
            {
                call.Words[i] = call.Words[i] with { EndSample = call.Samples.Count };
                break;
            }
        return 1;
    }

    static IntPtr Rent()
    {
        if (s_pool.TryTake(out IntPtr engine)) return engine;
        IntPtr data = Marshal.StringToCoTaskMemUTF8(RhVoiceNative.DataPath), config = Marshal.StringToCoTaskMemUTF8(RhVoiceNative.ConfigPath);
        try
        {
            var init = new RhVoiceNative.InitParams
            {
                DataPath = data, ConfigPath = config,
                Callbacks = new RhVoiceNative.Callbacks
                {
                    SetSampleRate = Marshal.GetFunctionPointerForDelegate(s_setRate),
                    PlaySpeech = Marshal.GetFunctionPointerForDelegate(s_play),
                    WordStarts = Marshal.GetFunctionPointerForDelegate(s_wordStarts),
                    WordEnds = Marshal.GetFunctionPointerForDelegate(s_wordEnds),
                },
            };
            engine = RhVoiceNative.RHVoice_new_tts_engine(ref init);
            if (engine == IntPtr.Zero) throw new InvalidOperationException("RHVoice_new_tts_engine failed");
            return engine;
        }
        finally
        {
            Marshal.FreeCoTaskMem(data);
            Marshal.FreeCoTaskMem(config);
        }
    }

    static List<TtsVoice> ListEnglishVoices(IntPtr engine)
    {
        var voices = new List<TtsVoice>();
        uint n = RhVoiceNative.RHVoice_get_number_of_voices(engine);
        IntPtr array = RhVoiceNative.RHVoice_get_voices(engine);
        int size = Marshal.SizeOf<RhVoiceNative.VoiceInfo>();
        for (int i = 0; i < n; i++)
        {
            var info = Marshal.PtrToStructure<RhVoiceNative.VoiceInfo>(array + i * size);
            string language = Marshal.PtrToStringUTF8(info.Language) ?? "", name = Marshal.PtrToStringUTF8(info.Name) ?? "";
            if (!language.StartsWith("en", StringComparison.OrdinalIgnoreCase)) continue;
            string gender = info.Gender switch { 1 => "male", 2 => "female", _ => "unknown" };
            voices.Add(new TtsVoice("rhvoice", name.ToLowerInvariant(), $"{name}, {gender}, {Marshal.PtrToStringUTF8(info.Country)}"));
        }
        return [.. voices.OrderBy(v => v.Name, StringComparer.Ordinal)];
    }
}
