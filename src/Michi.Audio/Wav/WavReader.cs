// Streaming WAV reader: validates the header on Open, then decodes frames in fixed-size blocks
// through a buffered FileStream, so files larger than memory read in constant space.
// Samples come out as float: integer PCM is scaled by 1/2^(bits-1) (8-bit is unsigned, offset
// 128), so full-scale negative is exactly -1 and 16-bit data survives read → write unchanged;
// IEEE float is passed through as is (not clamped: values beyond ±1 are the file's content).
// Reference: Microsoft RIFF/WAVE specification (see WavHeaderParser).
using System.Buffers.Binary;

namespace Michi.Audio;

/// <summary>Reads a WAV file frame by frame. Not thread-safe.</summary>
public sealed class WavReader : IDisposable
{
    const int BlockBytes = 1 << 16;

    readonly FileStream _stream;
    readonly byte[] _bytes;        // one block of raw sample bytes, a whole number of frames
    readonly int _framesPerBlock;
    float[]? _scratch;             // interleaved block for ReadFramesMono
    long _framesLeft;

    WavReader(string path, FileStream stream, WavInfo info)
    {
        Path = path;
        _stream = stream;
        Info = info;
        _framesLeft = info.Frames;
        _framesPerBlock = Math.Max(1, BlockBytes / info.BlockAlign);
        _bytes = new byte[_framesPerBlock * info.BlockAlign];
    }

    /// <summary>The path the reader was opened with (used in error messages).</summary>
    public string Path { get; }

    public WavInfo Info { get; }

    /// <summary>Frames already read.</summary>
    public long Position => Info.Frames - _framesLeft;

    /// <summary>Opens and validates a WAV file; bad files throw <see cref="InvalidInputException"/>
    /// ("PATH: problem") before any sample is read.</summary>
    public static WavReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FileStream stream = OpenFile(path);
        try
        {
            WavLayout layout = WavHeaderParser.Parse(stream, path);
            stream.Position = layout.DataOffset;
            return new WavReader(path, stream, layout.Info);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Opens <paramref name="path"/> for reading, turning the usual failures into
    /// "PATH: problem" messages.</summary>
    internal static FileStream OpenFile(string path)
    {
        if (Directory.Exists(path))
            throw InvalidInputException.ForFile(path, "is a directory, expected a WAV file");
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BlockBytes, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw InvalidInputException.ForFile(path, "no such file");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new InvalidInputException($"{path}: permission denied", e);
        }
        catch (IOException e)
        {
            throw new InvalidInputException($"{path}: cannot open: {e.Message}", e);
        }
    }

    /// <summary>Reads up to <c>interleaved.Length / Channels</c> frames, interleaved, as float.
    /// Returns the number of frames read; 0 at the end of the data.</summary>
    public int ReadFrames(Span<float> interleaved)
    {
        int channels = Info.Channels;
        if (interleaved.IsEmpty) return 0;
        if (interleaved.Length < channels)
            throw new ArgumentException($"the buffer must hold at least one frame ({channels} samples)", nameof(interleaved));
        int want = (int)Math.Min(interleaved.Length / channels, _framesLeft);
        int done = 0;
        while (done < want)
        {
            int n = Math.Min(want - done, _framesPerBlock);
            Span<byte> raw = _bytes.AsSpan(0, n * Info.BlockAlign);
            try
            {
                _stream.ReadExactly(raw);
            }
            catch (EndOfStreamException e)
            {
                throw new InvalidInputException($"{Path}: truncated: the file ended inside the sample data (was it changed while reading?)", e);
            }
            Decode(raw, interleaved.Slice(done * channels, n * channels));
            done += n;
        }
        _framesLeft -= done;
        return done;
    }

    /// <summary>Reads up to <c>mono.Length</c> frames, each the average of its channels.
    /// Returns the number of frames read; 0 at the end of the data.</summary>
    public int ReadFramesMono(Span<float> mono)
    {
        int channels = Info.Channels;
        if (channels == 1)
            return ReadFrames(mono);
        _scratch ??= new float[_framesPerBlock * channels];
        float scale = 1f / channels;
        int done = 0;
        while (done < mono.Length)
        {
            int n = ReadFrames(_scratch.AsSpan(0, Math.Min(mono.Length - done, _framesPerBlock) * channels));
            if (n == 0) break;
            for (int i = 0; i < n; i++)
            {
                ReadOnlySpan<float> frame = _scratch.AsSpan(i * channels, channels);
                float sum = 0;
                foreach (float s in frame) sum += s;
                mono[done + i] = sum * scale;
            }
            done += n;
        }
        return done;
    }

    void Decode(ReadOnlySpan<byte> src, Span<float> dst)
    {
        switch (Info.Format, Info.BitsPerSample)
        {
            case (WavSampleFormat.Pcm, 8):
                for (int i = 0; i < dst.Length; i++) dst[i] = (src[i] - 128) * (1f / 128);
                break;
            case (WavSampleFormat.Pcm, 16):
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = BinaryPrimitives.ReadInt16LittleEndian(src[(2 * i)..]) * (1f / 32768);
                break;
            case (WavSampleFormat.Pcm, 24):
                for (int i = 0; i < dst.Length; i++)
                {
                    int v = src[3 * i] | (src[3 * i + 1] << 8) | ((sbyte)src[3 * i + 2] << 16);
                    dst[i] = v * (1f / 8388608);
                }
                break;
            case (WavSampleFormat.Pcm, 32):
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = (float)(BinaryPrimitives.ReadInt32LittleEndian(src[(4 * i)..]) * (1.0 / 2147483648.0));
                break;
            case (WavSampleFormat.IeeeFloat, 32):
                for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(4 * i)..]);
                break;
            case (WavSampleFormat.IeeeFloat, 64):
                for (int i = 0; i < dst.Length; i++) dst[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(src[(8 * i)..]);
                break;
            default:
                throw new InvalidOperationException($"unvalidated format {Info.FormatName}"); // the parser rejects these
        }
    }

    public void Dispose() => _stream.Dispose();
}
