// P/Invoke surface of RHVoice's C API (RHVoice.h, librhvoice5 1.8). Layouts are for 64-bit Linux.
// The engine calls back, on the synthesising thread, with audio blocks and word start/end events
// in stream order, so counting samples delivered before an event gives its sample position.
using System.Runtime.InteropServices;

namespace Michi.Data.Synthesis;

static class RhVoiceNative
{
    public const string Library = "libRHVoice.so.5";
    public const string DataPath = "/usr/share/RHVoice", ConfigPath = "/etc/RHVoice";
    public const int MessageText = 0;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int SetSampleRate(int sampleRate, IntPtr userData);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int PlaySpeech(IntPtr samples, uint count, IntPtr userData);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int WordEvent(uint position, uint length, IntPtr userData);

    [StructLayout(LayoutKind.Sequential)]
    public struct Callbacks
    {
        public IntPtr SetSampleRate, PlaySpeech, ProcessMark, WordStarts, WordEnds,
                      SentenceStarts, SentenceEnds, PlayAudio, Done;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct InitParams
    {
        public IntPtr DataPath, ConfigPath, ResourcePaths;
        public Callbacks Callbacks;
        public uint Options;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct SynthParams
    {
        public IntPtr VoiceProfile;
        public double AbsoluteRate, AbsolutePitch, AbsoluteVolume;
        public double RelativeRate, RelativePitch, RelativeVolume;
        public int PunctuationMode;
        public IntPtr PunctuationList;
        public int CapitalsMode;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct VoiceInfo
    {
        public IntPtr Language, Name;
        public int Gender;
        public IntPtr Country;
    }

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr RHVoice_new_tts_engine(ref InitParams initParams);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void RHVoice_delete_tts_engine(IntPtr engine);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern uint RHVoice_get_number_of_voices(IntPtr engine);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr RHVoice_get_voices(IntPtr engine);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr RHVoice_new_message(IntPtr engine, IntPtr text, uint length, int messageType,
                                                    ref SynthParams synthParams, IntPtr userData);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void RHVoice_delete_message(IntPtr message);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int RHVoice_speak(IntPtr message);
}
