// Streaming WAV writer that never leaves a half-written file: samples go to a hidden temp file
// in the target's folder, and only Complete() patches the header and renames it over the target
// (same folder, so the rename is atomic on one file system). Dispose without Complete deletes
// the temp file and leaves any old target untouched.
// Encodings: 16-bit PCM (fmt chunk of 16 bytes, the canonical 44-byte header) and 32-bit IEEE
// float (fmt of 18 bytes + fact chunk, as the WAVE spec asks for non-PCM data).
// PCM16 quantisation: round(x · 32768) clipped to [-32768, 32767], the exact inverse of the
// reader's 1/32768 scale, so 16-bit audio read and written again is bit-identical. NaN → 0.
using System.Buffers.Binary;

namespace Michi.Audio;

/// <summary>Writes a WAV file atomically. Not thread-safe.</summary>
public sealed class WavWriter : IDisposable
{
    const int BlockBytes = 1 << 16;
    /// <summary>The RIFF size field is 32-bit: header + data must stay below 4 GiB.</summary>
    const long MaxDataBytes = uint.MaxValue - 64;

    readonly FileStream _stream;
    readonly string _tempPath;
    readonly byte[] _bytes = new byte[BlockBytes];
    long _dataBytes;
    bool _completed;
    bool _disposed;

    WavWriter(string path, string tempPath, FileStream stream, int sampleRate, int channels, WavSampleFormat format)
    {
        Path = path;
        _tempPath = tempPath;
        _stream = stream;
        SampleRate = sampleRate;
        Channels = channels;
        Format = format;
        WriteHeader();  // placeholder sizes, patched by Complete
    }

    public string Path { get; }
    public int SampleRate { get; }
    public int Channels { get; }
    public WavSampleFormat Format { get; }
    int BytesPerSample => Format == WavSampleFormat.Pcm16 ? 2 : 4;

    /// <summary>Frames written so far.</summary>
    public long FramesWritten => _dataBytes / (BytesPerSample * Channels);

    /// <summary>Starts writing <paramref name="path"/> (through a temp file beside it).</summary>
    /// <param name="format"><see cref="WavSampleFormat.Pcm16"/> or <see cref="WavSampleFormat.Float32"/>.</param>
    public static WavWriter Create(string path, int sampleRate, int channels, WavSampleFormat format = WavSampleFormat.Pcm16)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(channels, ushort.MaxValue / 4);
        if (format is not (WavSampleFormat.Pcm16 or WavSampleFormat.Float32))
            throw new ArgumentException($"the writer encodes Pcm16 or Float32, not {format}", nameof(format));

        string full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw InvalidInputException.ForFile(path, "is a directory, expected a WAV file path");
        string dir = System.IO.Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir))
            throw InvalidInputException.ForFile(path, $"the folder {dir} does not exist");
        string temp = System.IO.Path.Combine(dir, $".{System.IO.Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        FileStream stream;
        try
        {
            stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, BlockBytes);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new InvalidInputException($"{path}: permission denied writing in {dir}", e);
        }
        return new WavWriter(path, temp, stream, sampleRate, channels, format);
    }

    /// <summary>Appends interleaved frames (length a multiple of <see cref="Channels"/>).</summary>
    public void Write(ReadOnlySpan<float> interleaved)
    {
        ObjectDisposedException.ThrowIf(_disposed || _completed, this);
        if (interleaved.Length % Channels != 0)
            throw new ArgumentException($"{interleaved.Length} samples is not a whole number of {Channels}-channel frames", nameof(interleaved));
        if (_dataBytes + (long)interleaved.Length * BytesPerSample > MaxDataBytes)
            throw new InvalidOperationException($"{Path}: WAV data would exceed the 4 GiB RIFF limit");

        int perBlock = BlockBytes / BytesPerSample;
        while (!interleaved.IsEmpty)
        {
            ReadOnlySpan<float> part = interleaved[..Math.Min(perBlock, interleaved.Length)];
            int n = Encode(part, _bytes);
            _stream.Write(_bytes, 0, n);
            _dataBytes += n;
            interleaved = interleaved[part.Length..];
        }
    }

    int Encode(ReadOnlySpan<float> src, Span<byte> dst)
    {
        if (Format == WavSampleFormat.Float32)
        {
            for (int i = 0; i < src.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(dst[(4 * i)..], src[i]);
            return 4 * src.Length;
        }
        for (int i = 0; i < src.Length; i++)
            BinaryPrimitives.WriteInt16LittleEndian(dst[(2 * i)..], QuantizePcm16(src[i]));
        return 2 * src.Length;
    }

    /// <summary>round(x · 32768), clipped to the 16-bit range; NaN gives 0.</summary>
    public static short QuantizePcm16(float x) =>
        float.IsNaN(x) ? (short)0 : (short)Math.Clamp(MathF.Round(x * 32768f), -32768f, 32767f);

    /// <summary>Finishes the header and renames the temp file over the target. Idempotent.</summary>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed) return;
        try
        {
            if ((_dataBytes & 1) == 1) _stream.WriteByte(0); // RIFF pad byte (cannot happen for 16/32-bit, kept for safety)
            _stream.Position = 0;
            WriteHeader();
            _stream.Flush(flushToDisk: true);
            _stream.Dispose();
            File.Move(_tempPath, Path, overwrite: true);
            _completed = true;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Writes the header for the current data size at the stream's position.</summary>
    void WriteHeader()
    {
        bool isFloat = Format == WavSampleFormat.Float32;
        int fmtBytes = isFloat ? 18 : 16;
        int headerBytes = 12 + (8 + fmtBytes) + (isFloat ? 12 : 0) + 8;
        int blockAlign = Channels * BytesPerSample;
        long padded = _dataBytes + (_dataBytes & 1);

        Span<byte> h = stackalloc byte[headerBytes];
        "RIFF"u8.CopyTo(h);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], (uint)(headerBytes - 8 + padded));
        "WAVE"u8.CopyTo(h[8..]);
        "fmt "u8.CopyTo(h[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], (uint)fmtBytes);
        BinaryPrimitives.WriteUInt16LittleEndian(h[20..], (ushort)(isFloat ? 3 : 1));
        BinaryPrimitives.WriteUInt16LittleEndian(h[22..], (ushort)Channels);
        BinaryPrimitives.WriteUInt32LittleEndian(h[24..], (uint)SampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(h[28..], (uint)((long)SampleRate * blockAlign));
        BinaryPrimitives.WriteUInt16LittleEndian(h[32..], (ushort)blockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(h[34..], (ushort)(8 * BytesPerSample));
        int at = 36;
        if (isFloat)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(h[36..], 0); // cbSize
            "fact"u8.CopyTo(h[38..]);
            BinaryPrimitives.WriteUInt32LittleEndian(h[42..], 4);
            BinaryPrimitives.WriteUInt32LittleEndian(h[46..], (uint)Math.Min(FramesWritten, uint.MaxValue));
            at = 50;
        }
        "data"u8.CopyTo(h[at..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[(at + 4)..], (uint)_dataBytes);
        _stream.Write(h);
    }

    /// <summary>Without a prior <see cref="Complete"/>, discards everything written: the temp
    /// file is deleted and the target is left as it was.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_completed) return;
        _stream.Dispose();
        try { File.Delete(_tempPath); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
