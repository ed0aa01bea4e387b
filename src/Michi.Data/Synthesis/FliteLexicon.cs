// Pronunciations for words the recogniser's dictionary lacks, from flite's CMU lexicon and its
// letter-to-sound rules (libflite_cmulex), in-process. flite's phones are the CMU set in lower
// case with stress digits; PocketSphinx's en-us model wants the 39 ARPAbet phones in upper case
// without stress, so the few extra flite phones are folded onto their nearest ARPAbet phone.
using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Michi.Data.Synthesis;

public static class FliteLexicon
{
    const string LexiconLibrary = "libflite_cmulex.so.1";
    static readonly ConcurrentDictionary<string, string[]?> s_cache = new(StringComparer.Ordinal);
    static IntPtr s_lexicon;
    static bool? s_loaded;

    public static bool IsAvailable()
    {
        lock (FliteNative.Lock) return Load();
    }

    /// <summary>ARPAbet phones for a lower-case ASCII word, or null.</summary>
    public static string[]? Pronounce(string word)
    {
        if (word.Length == 0 || word.Length > 64 || !word.All(c => char.IsAsciiLetterLower(c) || c == '\'')) return null;
        return s_cache.GetOrAdd(word, Lookup);
    }

    static string[]? Lookup(string word)
    {
        lock (FliteNative.Lock)
        {
            if (!Load()) return null;
            IntPtr list = FliteNative.lex_lookup(s_lexicon, FliteNative.Z(word), IntPtr.Zero, IntPtr.Zero);
            if (list == IntPtr.Zero) return null;
            var phones = new List<string>();
            try
            {
                for (IntPtr v = list; v != IntPtr.Zero; v = FliteNative.val_cdr(v))
                {
                    string? phone = ToArpabet(Marshal.PtrToStringUTF8(FliteNative.val_string(FliteNative.val_car(v))) ?? "");
                    if (phone != null) phones.Add(phone);
                }
            }
            finally { FliteNative.delete_val(list); }
            return phones.Count > 0 ? [.. phones] : null;
        }
    }

    /// <summary>"ax0" → "AH"; "pau" → null.</summary>
    internal static string? ToArpabet(string flitePhone)
    {
        string p = flitePhone.TrimEnd('0', '1', '2');
        return p switch
        {
            "" or "pau" or "h#" => null,
            "ax" => "AH",
            "axr" => "ER",
            "dx" => "T",
            "el" => "L",
            "em" => "M",
            "en" or "nx" => "N",
            "hv" => "HH",
            _ => p.ToUpperInvariant(),
        };
    }

    static bool Load()
    {
        if (s_loaded is { } loaded) return loaded;
        s_loaded = false;
        if (!NativeLibrary.TryLoad(FliteNative.Library, out _) || !NativeLibrary.TryLoad(LexiconLibrary, out IntPtr library)) return false;
        FliteNative.flite_init();
        var init = Marshal.GetDelegateForFunctionPointer<FliteNative.LexiconInit>(NativeLibrary.GetExport(library, "cmu_lex_init"));
        s_lexicon = init();
        s_loaded = s_lexicon != IntPtr.Zero;
        return s_loaded.Value;
    }
}
