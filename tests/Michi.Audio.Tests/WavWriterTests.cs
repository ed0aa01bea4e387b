// Writer: exact round trips (PCM16 up to its documented quantisation, float32 bit-exact),
// clipping, the header layout, and atomicity (the target changes only on Complete, and no temp
// file is ever left behind).
using System.Buffers.Binary;
using static Michi.Audio.Tests.RiffBuilder;

namespace Michi.Audio.Tests;

public sealed class WavWriterTests : IDisposable
{
    readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    static float[] Noise(int n, int seed, float scale)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 2 - 1) * scale)).ToArray();
    }

    [Fact]
    public void Pcm16RoundTripQuantisesAndClips()
    {
        float[] x = [.. Noise(1000, 1, 1.3f), 1f, -1f, 2f, -2f, float.NaN, float.PositiveInfinity, 2.6f / 32768, 0.5f];
        string path = _dir.File("a.wav");
        WavFile.Write(path, x, 24000);

        var (y, rate) = WavFile.ReadMono(path);
        Assert.Equal(24000, rate);
        Assert.Equal(x.Length, y.Length);
        for (int i = 0; i < x.Length; i++)
        {
            double q = float.IsNaN(x[i]) ? 0 : Math.Clamp(Math.Round((double)x[i] * 32768), -32768, 32767);
            Assert.Equal((float)(q / 32768), y[i]);
        }
        Assert.Equal(32767 / 32768f, y[1000]);   // +1 clips to the largest code
        Assert.Equal(-1f, y[1001]);
        Assert.Equal(3 / 32768f, y[^2]);         // 2.6 LSB rounds to 3
        Assert.Equal(44 + 2 * x.Length, new FileInfo(path).Length); // canonical 44-byte header
    }

    [Fact]
    public void Pcm16FileSurvivesReadAndWriteBitForBit()
    {
        byte[] data = IntSamples(Enumerable.Range(0, 2000).Select(i => (int)((long)i * 7919 % 65536) - 32768), 16);
        string src = _dir.Write("src.wav", Wave(Fmt(Pcm, 2, 16000, 16), Data(data)));
        string dst = _dir.File("dst.wav");

        WavFile.Write(dst, WavFile.Read(src));
        Assert.Equal(File.ReadAllBytes(src), File.ReadAllBytes(dst)); // same header layout, same bytes
    }

    [Fact]
    public void Float32RoundTripIsExactForManyChannelsAndChunks()
    {
        float[] x = Noise(3 * 10_001, 2, 1.5f);  // 3 channels, values beyond ±1 are kept
        string whole = _dir.File("whole.wav");
        string chunked = _dir.File("chunked.wav");
        using (var w = WavWriter.Create(whole, 48000, 3, WavSampleFormat.Float32))
        {
            w.Write(x);
            w.Complete();
        }
        using (var w = WavWriter.Create(chunked, 48000, 3, WavSampleFormat.Float32))
        {
            for (int at = 0; at < x.Length; at += 3 * 997) w.Write(x.AsSpan(at, Math.Min(3 * 997, x.Length - at)));
            Assert.Equal(10_001, w.FramesWritten);
            w.Complete();
        }

        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(chunked));
        using var r = WavReader.Open(whole);
        Assert.Equal(new WavInfo(48000, 3, 32, WavSampleFormat.IeeeFloat, 10_001, 10_001 / 48000.0), r.Info);
        var y = new float[x.Length];
        Assert.Equal(10_001, r.ReadFrames(y));
        Assert.Equal(x, y);
        // fmt is 18 bytes with cbSize 0, and a fact chunk holds the frame count.
        byte[] bytes = File.ReadAllBytes(whole);
        Assert.Equal(18u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(16)));
        Assert.Equal("fact"u8.ToArray(), bytes[38..42]);
        Assert.Equal(10_001u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(46)));
        Assert.Equal((uint)(bytes.Length - 8), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
    }

    [Fact]
    public void TargetIsUntouchedUntilCompleteAndNoTempFileRemains()
    {
        string path = _dir.Write("t.wav", "old content"u8.ToArray());

        using (var w = WavWriter.Create(path, 16000, 1))
        {
            w.Write(Noise(5000, 3, 0.5f));
            Assert.Equal("old content"u8.ToArray(), File.ReadAllBytes(path)); // while writing
        } // disposed without Complete: abandoned
        Assert.Equal("old content"u8.ToArray(), File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_dir.Path));

        using (var w = WavWriter.Create(path, 16000, 1))
        {
            w.Write(Noise(5000, 3, 0.5f));
            w.Complete();
            w.Complete(); // idempotent
            Assert.Throws<ObjectDisposedException>(() => w.Write(new float[1]));
        }
        Assert.Equal(5000, WavFile.ReadInfo(path).Frames);
        Assert.Equal([path], Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void NewFileIsNotCreatedWithoutComplete()
    {
        string path = _dir.File("new.wav");
        using (var w = WavWriter.Create(path, 8000, 2)) w.Write(new float[10]);
        Assert.Empty(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        string path = _dir.File("x.wav");
        Assert.Throws<ArgumentOutOfRangeException>(() => WavWriter.Create(path, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => WavWriter.Create(path, 8000, 0));
        Assert.Throws<ArgumentException>(() => WavWriter.Create(path, 8000, 1, WavSampleFormat.Pcm));
        Assert.Contains("does not exist", Assert.Throws<InvalidInputException>(
            () => WavWriter.Create(_dir.File("no/such/dir.wav"), 8000, 1)).Message);
        Assert.Contains("is a directory", Assert.Throws<InvalidInputException>(() => WavWriter.Create(_dir.Path, 8000, 1)).Message);
        using var w = WavWriter.Create(path, 8000, 2);
        Assert.Throws<ArgumentException>(() => w.Write(new float[3])); // not whole stereo frames
    }
}
