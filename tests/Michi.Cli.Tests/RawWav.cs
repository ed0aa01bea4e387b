// Hand-built RIFF/WAVE bytes, so tests can make exactly the malformed files users send.
using System.Text;

namespace Michi.Cli.Tests;

public static class RawWav
{
    public static byte[] Chunk(string id, byte[] body, int? claimedSize = null)
    {
        var ms = new MemoryStream();
        ms.Write(Encoding.ASCII.GetBytes(id));
        ms.Write(BitConverter.GetBytes((uint)(claimedSize ?? body.Length)));
        ms.Write(body);
        if (body.Length % 2 == 1) ms.WriteByte(0);
        return ms.ToArray();
    }

    public static byte[] Fmt(ushort format, ushort channels, uint rate, ushort bits)
    {
        ushort blockAlign = (ushort)(channels * bits / 8);
        var ms = new MemoryStream();
        var w = new BinaryWriter(ms);
        w.Write(format); w.Write(channels); w.Write(rate); w.Write(rate * blockAlign); w.Write(blockAlign); w.Write(bits);
        return Chunk("fmt ", ms.ToArray());
    }

    public static byte[] Riff(params byte[][] chunks)
    {
        var body = chunks.SelectMany(c => c).ToArray();
        return [.. Encoding.ASCII.GetBytes("RIFF"), .. BitConverter.GetBytes((uint)(body.Length + 4)), .. Encoding.ASCII.GetBytes("WAVE"), .. body];
    }

    /// <summary>A valid 16-bit PCM file holding a sine.</summary>
    public static byte[] Sine16(uint rate, ushort channels, int frames, double hz)
    {
        var data = new byte[frames * channels * 2];
        for (int i = 0; i < frames; i++)
        {
            short s = (short)Math.Round(16000 * Math.Sin(2 * Math.PI * hz * i / rate));
            for (int c = 0; c < channels; c++) BitConverter.TryWriteBytes(data.AsSpan((i * channels + c) * 2), s);
        }
        return Riff(Fmt(1, channels, rate, 16), Chunk("data", data));
    }
}
