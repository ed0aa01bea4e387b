// P/Invoke surface of libespeak-ng (speak_lib.h, API revision 12, espeak-ng 1.51). Only what
// EspeakEngine needs. The library holds global state, so every call must be made under
// EspeakNative.Lock. Layouts are for 64-bit Linux.
using System.Runtime.InteropServices;

namespace Michi.Data.Synthesis;

static class EspeakNative
{
    public const string Library = "libespeak-ng.so.1";
    public static readonly object Lock = new();

    public const int AudioOutputSynchronous = 2;
    public const int PosCharacter = 1;
    public const uint CharsUtf8 = 1, EndPause = 0x1000;
    public const int ParamRate = 1, ParamPitch = 3;
    public const int EventListTerminated = 0, EventWord = 1;

    /// <summary>espeak_EVENT: 40 bytes on x64.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Event
    {
        public int Type;
        public uint UniqueIdentifier;
        public int TextPosition;   // 1-based, in characters (code points) of the input
        public int Length;         // word length in characters
        public int AudioPosition;  // milliseconds
        public int Sample;         // absolute sample index of the event
        public IntPtr UserData;
        public long Id;            // union { number, name, string[8] }
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int SynthCallback(IntPtr wav, int numSamples, IntPtr events);

    [StructLayout(LayoutKind.Sequential)]
    public struct Voice
    {
        public IntPtr Name, Languages, Identifier;
        public byte Gender, Age, Variant, Xx1;
        public int Score;
        public IntPtr Spare;
    }

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int espeak_Initialize(int output, int bufferMilliseconds, IntPtr path, int options);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void espeak_SetSynthCallback(IntPtr callback);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int espeak_SetVoiceByName(byte[] nameUtf8);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int espeak_SetParameter(int parameter, int value, int relative);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int espeak_Synth(byte[] text, nuint size, uint position, int positionType, uint endPosition,
                                          uint flags, IntPtr uniqueIdentifier, IntPtr userData);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr espeak_ListVoices(IntPtr voiceSpec);

    public static byte[] Utf8Z(string s) => [.. System.Text.Encoding.UTF8.GetBytes(s), 0];
}
