// Parses and validates a RIFF/WAVE header up to the start of the sample data, reading only the
// chunk headers and the fmt chunk (never the samples), so a lying or cut file is rejected in
// microseconds and before anything is allocated from its numbers.
// Choices: the RIFF size field is ignored (streaming writers often leave it wrong) and the real
// file length bounds every chunk; chunks before "data" are walked with their pad byte (RIFF pads
// odd-sized chunks to even); LIST, fact, bext, JUNK and unknown chunks are skipped; the first
// "data" chunk ends the walk. A data size that is not a whole number of frames is floored.
// References: Microsoft "Multimedia Programming Interface and Data Specifications 1.0" (RIFF,
// WAVE), and "WAVEFORMATEXTENSIBLE" (mmreg.h / ksmedia.h) for the sub-format GUIDs.
using System.Buffers.Binary;
using System.Text;

namespace Michi.Audio;

/// <summary>Where the samples of a validated WAV file start.</summary>
internal readonly record struct WavLayout(WavInfo Info, long DataOffset);

internal static class WavHeaderParser
{
    const ushort TagPcm = 0x0001;
    const ushort TagIeeeFloat = 0x0003;
    const ushort TagExtensible = 0xFFFE;

    /// <summary>Bytes 2..15 of KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT: {0000xxxx-0000-0010-8000-00AA00389B71}.</summary>
    static ReadOnlySpan<byte> SubFormatGuidTail =>
        [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    /// <summary>Reads the header from <paramref name="stream"/> (seekable, at offset 0) and leaves
    /// the stream at the first sample. Throws <see cref="InvalidInputException"/> for bad files.</summary>
    public static WavLayout Parse(Stream stream, string path)
    {
        long length = stream.Length;
        Span<byte> riff = stackalloc byte[12];
        int got = ReadUpTo(stream, riff);
        if (got == 0)
            throw Bad(path, "not a RIFF/WAVE file (the file is empty)");
        if (got >= 4 && (riff[..4].SequenceEqual("RF64"u8) || riff[..4].SequenceEqual("BW64"u8)))
            throw Bad(path, "64-bit RF64/BW64 WAV files are not supported");
        if (got < 4 || !riff[..4].SequenceEqual("RIFF"u8))
            throw Bad(path, "not a RIFF/WAVE file");
        if (got < 12)
            throw Bad(path, $"truncated: the file ends inside the RIFF header ({length} bytes)");
        if (!riff[8..12].SequenceEqual("WAVE"u8))
            throw Bad(path, $"not a RIFF/WAVE file (RIFF form type '{FourCC(riff[8..12])}')");

        long pos = 12;
        WavInfo? fmt = null;
        Span<byte> header = stackalloc byte[8];
        while (true)
        {
            long remaining = length - pos;
            if (remaining == 0)
                throw Bad(path, fmt is null ? "no fmt chunk" : "no data chunk");
            if (remaining < 8)
                throw Bad(path, $"truncated: the file ends inside a chunk header at byte {pos}");
            stream.Position = pos;
            stream.ReadExactly(header);
            string id = FourCC(header[..4]);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            long available = remaining - 8;
            if (size > available)
                throw Bad(path, $"truncated: {ChunkName(id)} claims {size} bytes but only {available} remain");

            if (id == "fmt ")
            {
                if (fmt is not null)
                    throw Bad(path, "more than one fmt chunk");
                fmt = ParseFmt(stream, size, path);
            }
            else if (id == "data")
            {
                if (fmt is null)
                    throw Bad(path, "no fmt chunk before the data chunk");
                long frames = size / fmt.BlockAlign;
                var info = fmt with { Frames = frames, DurationSeconds = (double)frames / fmt.SampleRate };
                return new WavLayout(info, pos + 8);
            }
            // Skip the chunk and its pad byte; a missing final pad byte just ends the file.
            pos = Math.Min(length, pos + 8 + size + (size & 1));
        }
    }

    /// <summary>Validates the fmt chunk; returns a WavInfo whose length fields are still zero.</summary>
    static WavInfo ParseFmt(Stream stream, long size, string path)
    {
        if (size < 16)
            throw Bad(path, $"fmt chunk is {size} bytes, expected at least 16");
        Span<byte> f = stackalloc byte[40];
        f = f[..(int)Math.Min(size, 40)];
        stream.ReadExactly(f);

        ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(f);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(f[2..]);
        uint sampleRate = BinaryPrimitives.ReadUInt32LittleEndian(f[4..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(f[12..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(f[14..]);

        if (channels == 0)
            throw Bad(path, "zero channels in the fmt chunk");
        if (sampleRate == 0)
            throw Bad(path, "zero sample rate in the fmt chunk");
        if (sampleRate > int.MaxValue)
            throw Bad(path, $"sample rate {sampleRate} Hz is out of range");

        if (tag == TagExtensible)
        {
            if (size < 40)
                throw Bad(path, $"WAVE_FORMAT_EXTENSIBLE fmt chunk is {size} bytes, expected at least 40");
            ReadOnlySpan<byte> guid = f[24..40];
            ushort sub = BinaryPrimitives.ReadUInt16LittleEndian(guid);
            if (!guid[2..].SequenceEqual(SubFormatGuidTail))
                throw Bad(path, $"unsupported WAVE_FORMAT_EXTENSIBLE sub-format {new Guid(guid)}");
            if (sub != TagPcm && sub != TagIeeeFloat)
                throw Bad(path, $"unsupported WAVE_FORMAT_EXTENSIBLE sub-format 0x{sub:X4} ({FormatCodeName(sub)})");
            tag = sub;
        }

        WavSampleFormat format;
        if (tag == TagPcm)
        {
            if (bits is not (8 or 16 or 24 or 32))
                throw Bad(path, $"unsupported bit depth: {bits}-bit PCM (supported: 8, 16, 24, 32)");
            format = WavSampleFormat.Pcm;
        }
        else if (tag == TagIeeeFloat)
        {
            if (bits is not (32 or 64))
                throw Bad(path, $"unsupported bit depth: {bits}-bit IEEE float (supported: 32, 64)");
            format = WavSampleFormat.IeeeFloat;
        }
        else
        {
            throw Bad(path, $"unsupported format code 0x{tag:X4} ({FormatCodeName(tag)}); "
                + "supported: PCM and IEEE float, plain or WAVE_FORMAT_EXTENSIBLE");
        }

        int expected = channels * (bits / 8);
        if (blockAlign != expected)
            throw Bad(path, $"block align {blockAlign} is inconsistent with {channels} channel(s) of "
                + $"{bits}-bit samples (expected {expected})");

        return new WavInfo((int)sampleRate, channels, bits, format, Frames: 0, DurationSeconds: 0);
    }

    static string FormatCodeName(ushort tag) => tag switch
    {
        0x0000 => "unknown",
        0x0002 => "Microsoft ADPCM",
        0x0006 => "A-law",
        0x0007 => "mu-law",
        0x0011 => "IMA ADPCM",
        0x0031 => "GSM 6.10",
        0x0050 => "MPEG",
        0x0055 => "MPEG Layer 3",
        0x00FF => "AAC",
        0x2000 => "Dolby AC-3",
        0xF1AC => "FLAC",
        _ => "unknown codec",
    };

    static string ChunkName(string id) => id == "data" ? "data chunk" : id == "fmt " ? "fmt chunk" : $"'{id}' chunk";

    /// <summary>Four-character code with anything unprintable shown as '?', safe for messages.</summary>
    static string FourCC(ReadOnlySpan<byte> b)
    {
        var sb = new StringBuilder(4);
        foreach (byte c in b) sb.Append(c is >= 0x20 and < 0x7F ? (char)c : '?');
        return sb.ToString();
    }

    static int ReadUpTo(Stream s, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = s.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    static InvalidInputException Bad(string path, string problem) => InvalidInputException.ForFile(path, problem);
}
