// An open safetensors file (spec: https://github.com/huggingface/safetensors, "Format"):
//   [u64 little-endian header length N][N bytes of UTF-8 JSON header][data buffer].
// Open() validates everything it can before any large allocation: the header length is checked
// against the 100 MB limit and the file size before the header is read, and SafetensorsHeader
// validates every entry before a tensor exists.
//
// Why not TorchSharp.PyBridge's Safetensors (1.4.4)? It fits poorly: it reads the header
// length unchecked and allocates that many bytes, checks no shape, offset or overlap, loads a
// whole file at once, copies every tensor through a managed byte[] (twice the memory) and
// stops at 2 GB per tensor. Reading is short enough to own.
//
// Why positional reads instead of a memory map? Each tensor is read with RandomAccess.Read
// (pread) straight into the storage of a freshly allocated LibTorch tensor: one copy, no
// managed buffer, no mapping whose lifetime would have to outlive the tensors, and safe for
// several threads reading different tensors at once. Tensors larger than 2 GB are read in
// chunks because a Span is limited to int.MaxValue bytes.
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Checkpoints;

public sealed class SafetensorsFile : IDisposable
{
    /// <summary>Largest span handed to a single read or write.</summary>
    internal const long ChunkBytes = 1L << 30;

    private readonly SafeFileHandle _handle;
    private readonly long _dataStart;

    private SafetensorsFile(string path, SafeFileHandle handle, long dataStart,
        Dictionary<string, TensorEntry> entries, Dictionary<string, string> metadata)
    {
        Path = path;
        _handle = handle;
        _dataStart = dataStart;
        Entries = entries;
        Metadata = metadata;
    }

    public string Path { get; }

    /// <summary>Every tensor in the file by name (the header's "__metadata__" excluded).</summary>
    public IReadOnlyDictionary<string, TensorEntry> Entries { get; }

    /// <summary>The header's "__metadata__" string map (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Opens and validates a safetensors file; reads no tensor data.</summary>
    public static SafetensorsFile Open(string path)
    {
        if (Directory.Exists(path))
            throw InvalidInputException.ForFile(path, "is a directory, not a safetensors file");
        if (!File.Exists(path))
            throw InvalidInputException.ForFile(path, "file not found");
        // Checked before opening too: a FIFO or device reports length 0, and opening a FIFO
        // would block until a writer appears.
        CheckLength(path, new FileInfo(path).Length);

        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw InvalidInputException.ForFile(path, $"cannot open ({e.Message})");
        }
        try
        {
            long fileLength = RandomAccess.GetLength(handle);
            CheckLength(path, fileLength);

            Span<byte> lengthBytes = stackalloc byte[8];
            ReadExactly(path, handle, lengthBytes, 0);
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            if (headerLength > SafetensorsHeader.MaxHeaderBytes)
                throw InvalidInputException.ForFile(path,
                    $"header length {headerLength} exceeds the {SafetensorsHeader.MaxHeaderBytes}-byte limit (not a safetensors file?)");
            if (headerLength > (ulong)(fileLength - 8))
                throw InvalidInputException.ForFile(path,
                    $"header length {headerLength} is larger than the rest of the file ({fileLength - 8} bytes)");

            var header = new byte[headerLength];
            ReadExactly(path, handle, header, 8);
            long dataStart = 8 + (long)headerLength;
            var (entries, metadata) = SafetensorsHeader.Parse(path, header, fileLength - dataStart);
            return new SafetensorsFile(path, handle, dataStart, entries, metadata);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Reads one tensor: CPU, its stored dtype, contiguous, owned by the caller.</summary>
    public Tensor ReadTensor(string name)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (!Entries.TryGetValue(name, out var entry))
            throw InvalidInputException.ForFile(Path, $"no tensor named '{name}'");
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors data is little-endian; big-endian hosts are not supported");

        var tensor = torch.empty(entry.Shape, dtype: entry.ScalarType, device: CPU);
        try
        {
            ForEachChunk(tensor, entry.ByteCount, (span, offset) =>
            {
                ReadExactly(Path, _handle, span, _dataStart + entry.Begin + offset);
                if (entry.DType == SafetensorsDType.BOOL) CheckBools(entry, span);
            });
            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    /// <summary>Reads one tensor and converts it to <paramref name="dtype"/> (CPU, caller-owned).</summary>
    public Tensor ReadTensor(string name, ScalarType dtype)
    {
        var stored = ReadTensor(name);
        if (stored.dtype == dtype) return stored;
        using (stored) return stored.to(dtype);
    }

    public void Dispose() => _handle.Dispose();

    /// <summary>Hands <paramref name="action"/> the bytes of a contiguous CPU tensor in spans of at
    /// most ChunkBytes, with each span's byte offset inside the tensor.</summary>
    internal delegate void ChunkAction(Span<byte> bytes, long offset);

    internal static void ForEachChunk(Tensor contiguousCpu, long byteCount, ChunkAction action, long chunkBytes = ChunkBytes)
    {
        if (byteCount == 0) return;
        if (byteCount <= chunkBytes)
        {
            action(contiguousCpu.bytes, 0);
            return;
        }
        long elementSize = contiguousCpu.ElementSize;
        long chunkElements = Math.Max(1, chunkBytes / elementSize);
        using var flat = contiguousCpu.view(-1); // (numel,) over the same storage
        long total = flat.shape[0];
        for (long first = 0; first < total; first += chunkElements)
        {
            using var part = flat.narrow(0, first, Math.Min(chunkElements, total - first));
            action(part.bytes, first * elementSize);
        }
    }

    private static void CheckLength(string path, long fileLength)
    {
        if (fileLength < 8)
            throw InvalidInputException.ForFile(path,
                $"file is {fileLength} bytes; a safetensors file starts with an 8-byte header length");
    }

    private static void ReadExactly(string path, SafeFileHandle handle, Span<byte> destination, long fileOffset)
    {
        while (!destination.IsEmpty)
        {
            int read = RandomAccess.Read(handle, destination, fileOffset);
            if (read == 0)
                throw InvalidInputException.ForFile(path, $"file ends early at byte {fileOffset} (truncated or changed while open)");
            destination = destination[read..];
            fileOffset += read;
        }
    }

    // A BOOL byte other than 0 or 1 is undefined behaviour in LibTorch; refuse it.
    private void CheckBools(TensorEntry entry, ReadOnlySpan<byte> bytes)
    {
        int bad = bytes.IndexOfAnyExcept((byte)0, (byte)1);
        if (bad >= 0)
            throw InvalidInputException.ForFile(Path, $"tensor '{entry.Name}': BOOL byte {bytes[bad]} is neither 0 nor 1");
    }
}
