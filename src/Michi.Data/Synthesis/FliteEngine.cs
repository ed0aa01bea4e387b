// flite (CMU's small engine: clustergen voices awb, rms, slt and diphone voices kal, kal16;
// Debian package flite) through libflite. Word times come from the utterance structure: a token's
// first segment starts where the segment before it ends, its last segment's end is the word's
// end; exact to the sample. Native 16 kHz (kal: 8 kHz).
// Rate → duration_stretch = 1 / rate; pitch → f0_shift (clustergen voices) and a scaled
// int_f0_target_mean (diphone voices). Both are voice features, so they are set per call under
// the global lock and restored. flite stores feature *names* by pointer, so the names passed to
// it live in unmanaged memory for the whole process (a pinned managed array would dangle).
// Determinism: clustergen voices (awb, rms, slt) use mixed excitation, whose noise part is libc's
// rand() (plus_or_minus_one in flite 2.2 src/cg/cst_mlsa.c: one draw per output sample), so
// without a seed an utterance's audio depended on every rand() call before it in the process.
// rand() is seeded from the utterance (text, voice, rate, pitch) right before synthesis, under
// the lock, so the same utterance gives the same samples. Other libraries calling rand() on
// another thread during a flite call would still move the sequence: espeak-ng and RHVoice import
// rand too (docs/data.md).
using System.Runtime.InteropServices;

namespace Michi.Data.Synthesis;

public sealed class FliteEngine : ITtsEngine
{
    static readonly string[] s_known = ["awb", "kal", "kal16", "rms", "slt"];
    static readonly Dictionary<string, IntPtr> s_registered = [];
    static readonly IntPtr s_stretch = FliteNative.Name("duration_stretch"), s_shift = FliteNative.Name("f0_shift"),
                           s_mean = FliteNative.Name("int_f0_target_mean");
    static bool? s_loaded;
    static IReadOnlyList<TtsVoice>? s_voices;

    public string Name => "flite";
    public string InstallHint => "flite";

    public bool IsAvailable() => Voices.Count > 0;

    public IReadOnlyList<TtsVoice> Voices
    {
        get
        {
            lock (FliteNative.Lock)
            {
                if (s_voices != null) return s_voices;
                if (!Load()) return s_voices = [];
                return s_voices = [.. s_known.Where(v => NativeLibrary.TryLoad(VoiceLibrary(v), out _))
                                              .Select(v => new TtsVoice("flite", v, Describe(v)))];
            }
        }
    }

    public Task<SynthResult> SynthesizeAsync(string text, string voice, double rate, double pitch, CancellationToken ct = default)
    {
        SynthOutput.CheckText(Name, text);
        if (!Voices.Any(v => v.Name == voice)) throw new InvalidInputException($"flite: unknown voice '{voice}'");
        return Task.Run(() => Synthesize(text, voice, rate, pitch), ct);
    }

    static SynthResult Synthesize(string text, string voice, double rate, double pitch)
    {
        float[] samples;
        int sampleRate;
        var words = new List<EngineWord>();
        lock (FliteNative.Lock)
        {
            IntPtr vox = Register(voice);
            IntPtr features = Marshal.PtrToStructure<FliteNative.Voice>(vox).Features;
            float stretch = FliteNative.flite_get_param_float(features, s_stretch, 1f);
            float shift = FliteNative.flite_get_param_float(features, s_shift, 1f);
            float mean = FliteNative.flite_get_param_float(features, s_mean, 100f);
            FliteNative.flite_feat_set_float(features, s_stretch, (float)(stretch / rate));
            FliteNative.flite_feat_set_float(features, s_shift, (float)(shift * pitch));
            FliteNative.flite_feat_set_float(features, s_mean, (float)(mean * pitch));
            IntPtr utt = IntPtr.Zero;
            try
            {
                FliteNative.srand(NoiseSeed(text, voice, rate, pitch));
                utt = FliteNative.flite_synth_text(FliteNative.Z(text), vox);
                if (utt == IntPtr.Zero) throw new InvalidOperationException("flite_synth_text failed");
                var wave = Marshal.PtrToStructure<FliteNative.Wave>(FliteNative.utt_wave(utt));
                var pcm = new short[wave.NumSamples * Math.Max(1, wave.NumChannels)];
                Marshal.Copy(wave.Samples, pcm, 0, pcm.Length);
                samples = SynthOutput.FromPcm16(pcm);
                sampleRate = wave.SampleRate;
                ReadTokens(utt, words);
            }
            finally
            {
                if (utt != IntPtr.Zero) FliteNative.delete_utterance(utt);
                FliteNative.flite_feat_set_float(features, s_stretch, stretch);
                FliteNative.flite_feat_set_float(features, s_shift, shift);
                FliteNative.flite_feat_set_float(features, s_mean, mean);
            }
        }
        return SynthOutput.Finish(text, samples, sampleRate, words, WordTimingSource.UtteranceStructure);
    }

    /// <summary>A seed for flite's excitation noise that depends only on the utterance (FNV-1a,
    /// 32 bits), so different utterances do not all replay one noise sequence.</summary>
    internal static uint NoiseSeed(string text, string voice, double rate, double pitch)
    {
        uint hash = 2166136261;
        foreach (byte b in System.Text.Encoding.UTF8.GetBytes(FormattableString.Invariant($"{voice}\n{rate:R}\n{pitch:R}\n{text}")))
            hash = (hash ^ b) * 16777619;
        return hash;
    }

    /// <summary>One engine word per spoken token (a token's words merged), in order.</summary>
    static void ReadTokens(IntPtr utt, List<EngineWord> words)
    {
        byte[] name = FliteNative.Z("name"), first = FliteNative.Z("daughter1"),
               startPath = FliteNative.Z("daughter1.R:SylStructure.daughter1.daughter1.R:Segment.p.end"),
               endPath = FliteNative.Z("daughtern.R:SylStructure.daughtern.daughtern.R:Segment.end");
        IntPtr relation = FliteNative.utt_relation(utt, FliteNative.Z("Token"));
        if (relation == IntPtr.Zero) return;
        for (IntPtr token = FliteNative.relation_head(relation); token != IntPtr.Zero; token = FliteNative.item_next(token))
        {
            if (FliteNative.path_to_item(token, first) == IntPtr.Zero) continue; // nothing spoken ("--")
            string tokenName = Marshal.PtrToStringUTF8(FliteNative.item_feat_string(token, name)) ?? "";
            words.Add(new EngineWord(tokenName, -1, FliteNative.ffeature_float(token, startPath), FliteNative.ffeature_float(token, endPath)));
        }
    }

    static string VoiceLibrary(string voice) => $"libflite_cmu_us_{voice}.so.1";

    static string Describe(string voice) => voice switch
    {
        "awb" => "Scottish English male (clustergen)",
        "rms" => "US English male (clustergen)",
        "slt" => "US English female (clustergen)",
        "kal" => "US English male (diphone, 8 kHz)",
        _ => "US English male (diphone, 16 kHz)",
    };

    static bool Load()
    {
        s_loaded ??= NativeLibrary.TryLoad(FliteNative.Library, out _) && FliteNative.flite_init() == 0;
        return s_loaded.Value;
    }

    static IntPtr Register(string voice)
    {
        if (s_registered.TryGetValue(voice, out IntPtr vox)) return vox;
        IntPtr library = NativeLibrary.Load(VoiceLibrary(voice));
        var register = Marshal.GetDelegateForFunctionPointer<FliteNative.RegisterVoice>(NativeLibrary.GetExport(library, $"register_cmu_us_{voice}"));
        vox = register(IntPtr.Zero);
        if (vox == IntPtr.Zero) throw new InvalidOperationException($"flite: register_cmu_us_{voice} failed");
        return s_registered[voice] = vox;
    }
}
