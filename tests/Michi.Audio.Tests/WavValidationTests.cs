// Every malformed input gives InvalidInputException "PATH: problem", quickly and without
// allocating from the header's numbers (a 4 GB claim on a 1 kB file must not allocate 4 GB).
using System.Diagnostics;
using static Michi.Audio.Tests.RiffBuilder;

namespace Michi.Audio.Tests;

public sealed class WavValidationTests : IDisposable
{
    readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    static byte[] Samples16(int n) => IntSamples(Enumerable.Range(0, n), 16);

    /// <summary>Opens the file with every entry point; each must throw the same "PATH: problem".</summary>
    static string Reject(string path)
    {
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<InvalidInputException>(() => WavReader.Open(path));
        Assert.Throws<InvalidInputException>(() => WavFile.ReadMono(path));
        Assert.Throws<InvalidInputException>(() => WavFile.Read(path));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
        Assert.StartsWith(path + ": ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e.Message[(path.Length + 2)..];
    }

    [Fact]
    public void MissingFile() => Assert.Equal("no such file", Reject(_dir.File("nope.wav")));

    [Fact]
    public void Directory() => Assert.Equal("is a directory, expected a WAV file", Reject(_dir.Path));

    [Theory]
    [InlineData("")]
    [InlineData("hello, this is not a wav file at all")]
    [InlineData("RIFF\x10\0\0\0AVI LIST")]
    public void NotRiffWave(string content) =>
        Assert.Contains("not a RIFF/WAVE file", Reject(_dir.Write("x.wav", System.Text.Encoding.Latin1.GetBytes(content))));

    [Fact]
    public void NoFmtChunk()
    {
        Assert.Equal("no fmt chunk", Reject(_dir.Write("a.wav", Wave(Chunk("LIST", [1, 2, 3, 4])))));
        Assert.Contains("no fmt chunk", Reject(_dir.Write("b.wav", Wave(Data(Samples16(4))))));
    }

    [Fact]
    public void NoDataChunk() =>
        Assert.Equal("no data chunk", Reject(_dir.Write("a.wav", Wave(Fmt(Pcm, 1, 8000, 16), Chunk("LIST", [1])))));

    [Fact]
    public void ZeroChannels() =>
        Assert.Contains("zero channels", Reject(_dir.Write("a.wav", Wave(Fmt(Pcm, 0, 8000, 16, blockAlign: 2), Data(Samples16(4))))));

    [Fact]
    public void ZeroSampleRate() =>
        Assert.Contains("zero sample rate", Reject(_dir.Write("a.wav", Wave(Fmt(Pcm, 1, 0, 16), Data(Samples16(4))))));

    [Fact]
    public void UnsupportedFormatCodeIsNamed()
    {
        string problem = Reject(_dir.Write("a.wav", Wave(Fmt(0x0002, 1, 8000, 4, blockAlign: 256), Data(Samples16(4)))));
        Assert.Contains("unsupported format code 0x0002", problem);
        Assert.Contains("ADPCM", problem);
    }

    [Theory]
    [InlineData(Pcm, 12, "12-bit PCM")]
    [InlineData(Pcm, 20, "20-bit PCM")]
    [InlineData(IeeeFloat, 16, "16-bit IEEE float")]
    public void UnsupportedBitDepthIsNamed(ushort tag, int bits, string name)
    {
        string problem = Reject(_dir.Write("a.wav", Wave(Fmt(tag, 1, 8000, bits, blockAlign: 2), Data(Samples16(4)))));
        Assert.Contains("unsupported bit depth", problem);
        Assert.Contains(name, problem);
    }

    [Fact]
    public void ExtensibleWithUnknownSubFormat()
    {
        byte[] otherGuid = [0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x72];
        Assert.Contains("unsupported WAVE_FORMAT_EXTENSIBLE sub-format",
            Reject(_dir.Write("a.wav", Wave(FmtExtensible(1, 8000, 16, Pcm, 16, guidTail: otherGuid), Data(Samples16(4))))));
        Assert.Contains("0x0055 (MPEG Layer 3)",
            Reject(_dir.Write("b.wav", Wave(FmtExtensible(1, 8000, 16, 0x0055, 16), Data(Samples16(4))))));
    }

    [Fact]
    public void InconsistentBlockAlign() =>
        Assert.Contains("block align 3 is inconsistent with 2 channel(s) of 16-bit samples (expected 4)",
            Reject(_dir.Write("a.wav", Wave(Fmt(Pcm, 2, 8000, 16, blockAlign: 3), Data(Samples16(4))))));

    [Fact]
    public void DataChunkClaimingMoreThanTheFileHas()
    {
        // 44-byte header + 956 bytes of samples = a 1000-byte file whose data chunk claims ~4 GB.
        byte[] file = Wave(Fmt(Pcm, 1, 8000, 16), Chunk("data", new byte[956], claimedSize: 0xFFFFFFFE));
        Assert.Equal(1000, file.Length);
        Assert.Equal("truncated: data chunk claims 4294967294 bytes but only 956 remain", Reject(_dir.Write("a.wav", file)));
    }

    [Fact]
    public void OtherChunkClaimingMoreThanTheFileHas() =>
        Assert.Contains("truncated: 'LIST' chunk claims 1000 bytes but only 4 remain",
            Reject(_dir.Write("a.wav", Wave(Fmt(Pcm, 1, 8000, 16), Chunk("LIST", [1, 2, 3, 4], claimedSize: 1000)))));

    [Fact]
    public void FileCutInsideAHeader()
    {
        byte[] whole = Wave(Fmt(Pcm, 1, 8000, 16), Data(Samples16(8)));
        Assert.Contains("truncated", Reject(_dir.Write("riff.wav", whole[..8])));          // inside the RIFF header
        Assert.Contains("truncated", Reject(_dir.Write("fmt.wav", whole[..30])));          // inside the fmt chunk
        Assert.Contains("truncated", Reject(_dir.Write("hdr.wav", whole[..40])));          // inside the data chunk header
        Assert.Contains("truncated: data chunk claims 16 bytes but only 6 remain", Reject(_dir.Write("data.wav", whole[..50])));
    }

    [Fact]
    public void ShortFmtChunk() =>
        Assert.Contains("fmt chunk is 14 bytes",
            Reject(_dir.Write("a.wav", Wave(Chunk("fmt ", new byte[14]), Data(Samples16(2))))));
}
