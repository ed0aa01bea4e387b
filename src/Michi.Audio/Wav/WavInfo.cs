// What a WAV file's header says: sample rate, channels, sample encoding and length.
// One enum, WavSampleFormat, serves both sides: the reader reports the family (Pcm or IeeeFloat,
// with the depth in BitsPerSample), the writer takes a concrete encoding (Pcm16 or Float32).
// FormatName follows ffmpeg's codec names for integer PCM ("pcm_s16le") and says "float32" /
// "float64" for IEEE float.
namespace Michi.Audio;

/// <summary>Sample encodings of a WAV file.</summary>
public enum WavSampleFormat
{
    /// <summary>Integer PCM of any depth (reported by the reader; depth in <see cref="WavInfo.BitsPerSample"/>).</summary>
    Pcm,

    /// <summary>IEEE float of any depth (reported by the reader).</summary>
    IeeeFloat,

    /// <summary>16-bit signed little-endian PCM (an encoding for the writer).</summary>
    Pcm16,

    /// <summary>32-bit IEEE float (an encoding for the writer).</summary>
    Float32,
}

/// <summary>The parsed header of a WAV file.</summary>
/// <param name="Format">Pcm or IeeeFloat; WAVE_FORMAT_EXTENSIBLE files report their sub-format.</param>
/// <param name="BitsPerSample">Container size of one sample: 8, 16, 24, 32 (PCM) or 32, 64 (float).</param>
/// <param name="Frames">Whole frames (one sample per channel) in the data chunk.</param>
public sealed record WavInfo(
    int SampleRate,
    int Channels,
    int BitsPerSample,
    WavSampleFormat Format,
    long Frames,
    double DurationSeconds)
{
    /// <summary>Bytes per frame (the fmt chunk's block align).</summary>
    public int BlockAlign => Channels * (BitsPerSample / 8);

    /// <summary>"pcm_u8", "pcm_s16le", "pcm_s24le", "pcm_s32le", "float32" or "float64".</summary>
    public string FormatName => (Format, BitsPerSample) switch
    {
        (WavSampleFormat.Pcm, 8) => "pcm_u8",
        (WavSampleFormat.Pcm, _) => $"pcm_s{BitsPerSample}le",
        (WavSampleFormat.IeeeFloat, _) => $"float{BitsPerSample}",
        _ => Format.ToString(),
    };
}
