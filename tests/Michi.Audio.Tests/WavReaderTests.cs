// Reads every WAV variety the reader claims to support, built by hand with RiffBuilder, and
// checks the samples exactly against the documented scaling (integer / 2^(bits-1)).
using static Michi.Audio.Tests.RiffBuilder;

namespace Michi.Audio.Tests;

public sealed class WavReaderTests : IDisposable
{
    readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Integer test values spanning the full range of the given depth, extremes included.</summary>
    static int[] IntValues(int bits)
    {
        int max = bits == 32 ? int.MaxValue : (1 << (bits - 1)) - 1;
        int min = bits == 32 ? int.MinValue : -(1 << (bits - 1));
        return [0, 1, -1, max, min, max / 3, min / 7, 12345 % max, -(98765 % max)];
    }

    static float[] ReadAll(string path)
    {
        using var r = WavReader.Open(path);
        var all = new float[r.Info.Frames * r.Info.Channels];
        Assert.Equal(r.Info.Frames, r.ReadFrames(all));
        Assert.Equal(0, r.ReadFrames(new float[r.Info.Channels * 4]));
        return all;
    }

    [Theory]
    [InlineData(8, "pcm_u8")]
    [InlineData(16, "pcm_s16le")]
    [InlineData(24, "pcm_s24le")]
    [InlineData(32, "pcm_s32le")]
    public void IntegerPcmIsReadSampleExact(int bits, string name)
    {
        int[] values = IntValues(bits);
        string path = _dir.Write("a.wav", Wave(Fmt(Pcm, 1, 16000, bits), Data(IntSamples(values, bits))));

        using (var r = WavReader.Open(path))
        {
            Assert.Equal(new WavInfo(16000, 1, bits, WavSampleFormat.Pcm, values.Length, values.Length / 16000.0), r.Info);
            Assert.Equal(name, r.Info.FormatName);
        }
        float[] expected = values.Select(v => (float)(v / Math.Pow(2, bits - 1))).ToArray();
        Assert.Equal(expected, ReadAll(path));
        Assert.Equal(-1f, ReadAll(path)[4]); // full-scale negative is exactly -1
    }

    [Theory]
    [InlineData(32, "float32")]
    [InlineData(64, "float64")]
    public void IeeeFloatIsReadSampleExact(int bits, string name)
    {
        double[] values = [0, 0.5, -0.25, 1, -1, 1e-7, 0.123456789, 1.5];
        string path = _dir.Write("f.wav", Wave(Fmt(IeeeFloat, 1, 24000, bits, withCbSize: true),
            Chunk("fact", U32((uint)values.Length)), Data(FloatSamples(values, bits))));

        Assert.Equal(name, WavFile.ReadInfo(path).FormatName);
        Assert.Equal(values.Select(v => (float)v).ToArray(), ReadAll(path));
    }

    [Fact]
    public void ExtensiblePcm24ThreeChannelsIsReadInterleaved()
    {
        int[] values = [1, -2, 3, 8388607, -8388608, 0, 100, 200, -300]; // 3 frames × 3 channels
        string path = _dir.Write("x.wav", Wave(FmtExtensible(3, 48000, 24, Pcm, validBits: 24, channelMask: 0x7),
            Data(IntSamples(values, 24))));

        using var r = WavReader.Open(path);
        Assert.Equal((3, 24, WavSampleFormat.Pcm, 3L), (r.Info.Channels, r.Info.BitsPerSample, r.Info.Format, r.Info.Frames));
        var got = new float[9];
        Assert.Equal(3, r.ReadFrames(got));
        Assert.Equal(values.Select(v => v / 8388608f).ToArray(), got);
    }

    [Fact]
    public void ExtensibleFloatIsRead()
    {
        double[] values = [0.1, -0.2, 0.3, -0.4];
        string path = _dir.Write("xf.wav", Wave(FmtExtensible(2, 22050, 32, IeeeFloat, validBits: 32),
            Chunk("fact", U32(2)), Data(FloatSamples(values, 32))));

        Assert.Equal(WavSampleFormat.IeeeFloat, WavFile.ReadInfo(path).Format);
        Assert.Equal(values.Select(v => (float)v).ToArray(), ReadAll(path));
    }

    [Fact]
    public void OddChunksPaddingListAndUnknownChunksAreSkipped()
    {
        int[] values = [10, -20, 30, -40, 50];
        byte[] list = Chunk("LIST", [.. "INFO"u8, .. "INAM"u8, .. U32(3), .. "ab\0"u8, 0]); // odd size 15 + pad
        string path = _dir.Write("odd.wav", Wave(
            Chunk("JUNK", [1, 2, 3]),                 // odd, padded
            Fmt(Pcm, 1, 8000, 16),
            list,
            Chunk("abcd", [9]),                       // unknown, odd, padded
            Chunk("fact", U32(5)),
            Data(IntSamples(values, 16)),
            Chunk("LIST", [.. "INFO"u8, 1])));        // after data: never read

        Assert.Equal(values.Select(v => v / 32768f).ToArray(), ReadAll(path));
    }

    [Fact]
    public void Pcm8OddDataChunkIsPaddedAndMissingFinalPadIsAccepted()
    {
        int[] values = [-128, 0, 127];
        byte[] data = IntSamples(values, 8);
        string padded = _dir.Write("p.wav", Wave(Fmt(Pcm, 1, 8000, 8), Data(data)));
        string unpadded = _dir.Write("u.wav", Wave(Fmt(Pcm, 1, 8000, 8), Chunk("data", data, pad: false)));

        float[] expected = [-1f, 0f, 127 / 128f];
        Assert.Equal(expected, ReadAll(padded));
        Assert.Equal(expected, ReadAll(unpadded));
    }

    [Fact]
    public void PartialTrailingFrameIsIgnored()
    {
        byte[] data = [.. IntSamples([1, 2, 3, 4], 16), 0x7F]; // 2 stereo frames + 1 stray byte
        string path = _dir.Write("t.wav", Wave(Fmt(Pcm, 2, 8000, 16), Data(data)));

        Assert.Equal(2, WavFile.ReadInfo(path).Frames);
        Assert.Equal(new[] { 1 / 32768f, 2 / 32768f, 3 / 32768f, 4 / 32768f }, ReadAll(path));
    }

    [Fact]
    public void ChunkedReadsEqualOneRead()
    {
        int[] values = Enumerable.Range(0, 3 * 50_000).Select(i => (int)((long)i * 7919 % 65536) - 32768).ToArray();
        string path = _dir.Write("big.wav", Wave(Fmt(Pcm, 3, 16000, 16), Data(IntSamples(values, 16))));
        float[] whole = ReadAll(path);

        using var r = WavReader.Open(path);
        var pieces = new List<float>();
        var buf = new float[3 * 7 + 2]; // 7 whole frames; the 2 extra samples are never filled
        int n;
        while ((n = r.ReadFrames(buf)) > 0) pieces.AddRange(buf.AsSpan(0, n * 3).ToArray());
        Assert.Equal(whole, pieces.ToArray());
        Assert.Equal(50_000, r.Position);
    }

    [Fact]
    public void MonoDownMixAveragesChannels()
    {
        int[] values = Enumerable.Range(0, 3 * 40_000).Select(i => (int)((long)i * 104729 % 65536) - 32768).ToArray();
        string path = _dir.Write("m.wav", Wave(Fmt(Pcm, 3, 16000, 16), Data(IntSamples(values, 16))));

        var (mono, rate) = WavFile.ReadMono(path);
        Assert.Equal(16000, rate);
        Assert.Equal(40_000, mono.Length);
        for (int i = 0; i < mono.Length; i++)
        {
            double expected = (values[3 * i] + values[3 * i + 1] + values[3 * i + 2]) / 3.0 / 32768;
            Assert.True(Math.Abs(mono[i] - expected) < 1e-6, $"frame {i}: {mono[i]} vs {expected}");
        }

        using var r = WavReader.Open(path);
        var small = new float[5];
        Assert.Equal(5, r.ReadFramesMono(small));
        Assert.Equal(mono[..5], small);
    }

    [Fact]
    public void ReadGivesPlanarChannels()
    {
        int[] values = [1, 2, 3, 4, 5, 6, 7, 8]; // 4 frames × 2 channels
        string path = _dir.Write("s.wav", Wave(Fmt(Pcm, 2, 44100, 16), Data(IntSamples(values, 16))));

        AudioBuffer audio = WavFile.Read(path);
        Assert.Equal((2, 4, 44100), (audio.ChannelCount, audio.Frames, audio.SampleRate));
        Assert.Equal(new[] { 1 / 32768f, 3 / 32768f, 5 / 32768f, 7 / 32768f }, audio.Channels[0]);
        Assert.Equal(new[] { 2 / 32768f, 4 / 32768f, 6 / 32768f, 8 / 32768f }, audio.Channels[1]);
        Assert.Equal(values.Select(v => v / 32768f).ToArray(), audio.Interleave());
    }
}
