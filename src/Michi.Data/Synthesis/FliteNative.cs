// P/Invoke surface of libflite (flite 2.2) and its voice libraries. Voices live in one library
// each (libflite_cmu_us_slt.so.1 exports register_cmu_us_slt), so they are bound at run time.
// flite keeps global state (lexicon caches): every call holds FliteNative.Lock. srand is libc's,
// for flite's noise (see FliteEngine).
using System.Runtime.InteropServices;

namespace Michi.Data.Synthesis;

static class FliteNative
{
    public const string Library = "libflite.so.1";
    public static readonly object Lock = new();

    /// <summary>cst_wave: type, sample_rate, num_samples, num_channels, samples.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Wave
    {
        public IntPtr Type;
        public int SampleRate, NumSamples, NumChannels;
        public IntPtr Samples;
    }

    /// <summary>The head of cst_voice: name, features, ffunctions, utt_init.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Voice
    {
        public IntPtr Name, Features, FFunctions, UttInit;
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate IntPtr RegisterVoice(IntPtr voxdir);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int flite_init();

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr flite_synth_text(byte[] textUtf8, IntPtr voice);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void delete_utterance(IntPtr utterance);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr utt_wave(IntPtr utterance);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr utt_relation(IntPtr utterance, byte[] name);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr relation_head(IntPtr relation);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr item_next(IntPtr item);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr item_feat_string(IntPtr item, byte[] name);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern float ffeature_float(IntPtr item, byte[] path);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr path_to_item(IntPtr item, byte[] path);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern float flite_get_param_float(IntPtr features, IntPtr name, float defaultValue);

    /// <summary>flite keeps the name pointer (it does not copy names): pass a <see cref="Name"/>.</summary>
    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void flite_feat_set_float(IntPtr features, IntPtr name, float value);

    /// <summary>A feature name in unmanaged memory that lives as long as the process, because
    /// flite's feature lists store the caller's pointer.</summary>
    public static IntPtr Name(string name) => Marshal.StringToHGlobalAnsi(name);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr lex_lookup(IntPtr lexicon, byte[] word, IntPtr partOfSpeech, IntPtr features);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr val_car(IntPtr val);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr val_cdr(IntPtr val);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr val_string(IntPtr val);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void delete_val(IntPtr val);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate IntPtr LexiconInit();

    /// <summary>Seeds libc's rand(), which clustergen voices draw their excitation noise from
    /// (plus_or_minus_one in flite's src/cg/cst_mlsa.c); flite itself has no seed of its own.</summary>
    [DllImport("libc", EntryPoint = "srand", CallingConvention = CallingConvention.Cdecl)]
    public static extern void srand(uint seed);

    public static byte[] Z(string s) => EspeakNative.Utf8Z(s);
}
