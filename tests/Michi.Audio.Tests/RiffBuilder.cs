// Builds WAV files byte by byte, independently of the library's writer, so the reader is tested
// against hand-made RIFF structures (odd chunks, padding, EXTENSIBLE, lying sizes).
using System.Buffers.Binary;
using System.Text;

namespace Michi.Audio.Tests;

internal static class RiffBuilder
{
    public const ushort Pcm = 1;
    public const ushort IeeeFloat = 3;
    public const ushort Extensible = 0xFFFE;

    /// <summary>A chunk: id, little-endian size, body, and a pad byte when the body is odd.</summary>
    public static byte[] Chunk(string id, byte[] body, bool pad = true, uint? claimedSize = null)
    {
        var b = new List<byte>(Encoding.ASCII.GetBytes(id));
        b.AddRange(U32(claimedSize ?? (uint)body.Length));
        b.AddRange(body);
        if (pad && body.Length % 2 == 1) b.Add(0);
        return [.. b];
    }

    /// <summary>"RIFF" size "WAVE" followed by the chunks.</summary>
    public static byte[] Wave(params byte[][] chunks)
    {
        byte[] body = [.. "WAVE"u8, .. chunks.SelectMany(c => c)];
        return [.. "RIFF"u8, .. U32((uint)body.Length), .. body];
    }

    /// <summary>A 16-byte fmt chunk (or 18 with cbSize = 0 when <paramref name="withCbSize"/>).</summary>
    public static byte[] Fmt(ushort tag, int channels, int rate, int bits, int? blockAlign = null, bool withCbSize = false)
    {
        int align = blockAlign ?? channels * bits / 8;
        byte[] body = [.. U16(tag), .. U16((ushort)channels), .. U32((uint)rate), .. U32((uint)(rate * align)),
            .. U16((ushort)align), .. U16((ushort)bits)];
        if (withCbSize) body = [.. body, .. U16(0)];
        return Chunk("fmt ", body);
    }

    /// <summary>A 40-byte WAVE_FORMAT_EXTENSIBLE fmt chunk with a standard KSDATAFORMAT sub-format GUID.</summary>
    public static byte[] FmtExtensible(int channels, int rate, int bits, ushort subFormat, int validBits, uint channelMask = 0,
        byte[]? guidTail = null)
    {
        int align = channels * bits / 8;
        byte[] tail = guidTail ?? [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];
        byte[] body = [.. U16(Extensible), .. U16((ushort)channels), .. U32((uint)rate), .. U32((uint)(rate * align)),
            .. U16((ushort)align), .. U16((ushort)bits), .. U16(22), .. U16((ushort)validBits), .. U32(channelMask),
            .. U16(subFormat), .. tail];
        return Chunk("fmt ", body);
    }

    public static byte[] Data(byte[] samples) => Chunk("data", samples);

    /// <summary>Integer samples as little-endian bytes of the given width (8-bit is stored unsigned, +128).</summary>
    public static byte[] IntSamples(IEnumerable<int> values, int bits)
    {
        var b = new List<byte>();
        foreach (int v in values)
        {
            switch (bits)
            {
                case 8: b.Add((byte)(v + 128)); break;
                case 16: b.AddRange(U16((ushort)(short)v)); break;
                case 24: b.Add((byte)v); b.Add((byte)(v >> 8)); b.Add((byte)(v >> 16)); break;
                case 32: b.AddRange(U32((uint)v)); break;
                default: throw new ArgumentOutOfRangeException(nameof(bits));
            }
        }
        return [.. b];
    }

    public static byte[] FloatSamples(IEnumerable<double> values, int bits)
    {
        var b = new List<byte>();
        foreach (double v in values)
        {
            var buf = new byte[bits / 8];
            if (bits == 32) BinaryPrimitives.WriteSingleLittleEndian(buf, (float)v);
            else BinaryPrimitives.WriteDoubleLittleEndian(buf, v);
            b.AddRange(buf);
        }
        return [.. b];
    }

    public static byte[] U16(ushort v) => [(byte)v, (byte)(v >> 8)];
    public static byte[] U32(uint v) => [(byte)v, (byte)(v >> 8), (byte)(v >> 16), (byte)(v >> 24)];
}
