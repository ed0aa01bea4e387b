// A minimal, validated safetensors reader/writer for the speech shards, in managed code (this
// project does not depend on TorchSharp): tensors of F32, F16, I32 or I64, row-major,
// little-endian, with string metadata. The layout is the safetensors format (8-byte header
// length, JSON header, "__metadata__" first, header padded with spaces to a multiple of 8,
// tensors back to back in the data buffer), so torch, numpy and Michi.Model's
// SafetensorsFile read these files as they are.
// Reading refuses what a lying file could do: a header longer than the file or than 16 MiB, a
// file over 1 GiB, unknown dtypes, offsets outside the buffer or overlapping, a byte count that
// is not the shape's; every problem is an InvalidInputException naming the file. Writing is
// atomic (temporary file in the same directory, flushed, renamed).
// Reference: https://github.com/huggingface/safetensors ("Format").
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Michi.Data.Shards;

/// <summary>One tensor's dtype ("F32", "F16", "I32", "I64"), shape and little-endian bytes.</summary>
public sealed record ShardTensor(string DType, long[] Shape, byte[] Data)
{
    public static int ElementSize(string dtype) => dtype switch
    {
        "F32" or "I32" => 4,
        "F16" => 2,
        "I64" => 8,
        _ => 0,
    };

    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    public static ShardTensor Float32(ReadOnlySpan<float> values, params long[] shape) =>
        new("F32", shape, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values).ToArray());

    public static ShardTensor Float16(ReadOnlySpan<float> values, params long[] shape)
    {
        var data = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteHalfLittleEndian(data.AsSpan(2 * i), (Half)values[i]);
        return new("F16", shape, data);
    }

    public static ShardTensor Int32(ReadOnlySpan<int> values, params long[] shape) =>
        new("I32", shape, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values).ToArray());

    public static ShardTensor Int64(ReadOnlySpan<long> values, params long[] shape) =>
        new("I64", shape, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>The values as float32 (F32 or F16 tensors).</summary>
    public float[] ToFloat32()
    {
        if (DType == "F32") return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(Data).ToArray();
        if (DType != "F16") throw new InvalidOperationException($"{DType} is not a float tensor");
        var values = new float[Data.Length / 2];
        for (int i = 0; i < values.Length; i++) values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(Data.AsSpan(2 * i));
        return values;
    }

    public int[] ToInt32() => DType == "I32"
        ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(Data).ToArray()
        : throw new InvalidOperationException($"{DType} is not I32");

    public long[] ToInt64() => DType == "I64"
        ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(Data).ToArray()
        : throw new InvalidOperationException($"{DType} is not I64");
}

public static class ShardFile
{
    public const long MaxFileBytes = 1L << 30;
    public const long MaxHeaderBytes = 16L << 20;
    private const string MetadataKey = "__metadata__";

    public static void Write(string path, IReadOnlyDictionary<string, ShardTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors data is little-endian");
        var header = new Dictionary<string, object> { [MetadataKey] = metadata };
        long offset = 0;
        var names = tensors.Keys.Order(StringComparer.Ordinal).ToList();
        foreach (string name in names)
        {
            var t = tensors[name];
            if (ShardTensor.ElementSize(t.DType) == 0) throw new ArgumentException($"tensor '{name}': unsupported dtype {t.DType}");
            if (t.ElementCount * ShardTensor.ElementSize(t.DType) != t.Data.Length)
                throw new ArgumentException($"tensor '{name}': {t.Data.Length} bytes do not match shape [{string.Join(", ", t.Shape)}]");
            header[name] = new { dtype = t.DType, shape = t.Shape, data_offsets = new[] { offset, offset + t.Data.Length } };
            offset += t.Data.Length;
        }
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header);
        int padded = (json.Length + 7) / 8 * 8;
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        string temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                Span<byte> length = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
                stream.Write(length);
                stream.Write(json);
                for (int i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
                foreach (string name in names) stream.Write(tensors[name].Data);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Only the metadata (reads the header, not the data).</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path) => Read(path, headerOnly: true).Metadata;

    public static (IReadOnlyDictionary<string, ShardTensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(string path) =>
        Read(path, headerOnly: false);

    private static (IReadOnlyDictionary<string, ShardTensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(string path, bool headerOnly)
    {
        if (!File.Exists(path)) throw InvalidInputException.ForFile(path, "file not found");
        using var stream = File.OpenRead(path);
        long fileLength = stream.Length;
        if (fileLength > MaxFileBytes) throw InvalidInputException.ForFile(path, $"{fileLength} bytes: larger than a shard can be ({MaxFileBytes})");
        Span<byte> lengthBytes = stackalloc byte[8];
        if (fileLength < 8 || stream.Read(lengthBytes) != 8) throw InvalidInputException.ForFile(path, "too short for a safetensors header");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)Math.Min(MaxHeaderBytes, fileLength - 8))
            throw InvalidInputException.ForFile(path, $"header length {headerLength} exceeds the file or {MaxHeaderBytes} bytes");
        var json = new byte[headerLength];
        stream.ReadExactly(json);
        long dataLength = fileLength - 8 - (long)headerLength;

        var tensors = new Dictionary<string, ShardTensor>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var spans = new List<(long Begin, long End, string Name)>();
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw InvalidInputException.ForFile(path, "header is not a JSON object");
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == MetadataKey)
                {
                    foreach (var m in property.Value.EnumerateObject())
                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()!
                            : throw InvalidInputException.ForFile(path, $"metadata '{m.Name}' is not a string");
                    continue;
                }
                var entry = property.Value;
                string dtype = entry.GetProperty("dtype").GetString() ?? "";
                int size = ShardTensor.ElementSize(dtype);
                if (size == 0) throw InvalidInputException.ForFile(path, $"tensor '{property.Name}': unsupported dtype \"{dtype}\" (F32, F16, I32, I64)");
                long[] shape = entry.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray();
                long[] offsets = entry.GetProperty("data_offsets").EnumerateArray().Select(v => v.GetInt64()).ToArray();
                if (shape.Any(d => d < 0) || offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataLength)
                    throw InvalidInputException.ForFile(path, $"tensor '{property.Name}': bad shape or data offsets");
                long elements = 1;
                foreach (long d in shape) elements = checked(elements * d);
                if (elements * size != offsets[1] - offsets[0])
                    throw InvalidInputException.ForFile(path, $"tensor '{property.Name}': {offsets[1] - offsets[0]} bytes do not match shape [{string.Join(", ", shape)}] of {dtype}");
                spans.Add((offsets[0], offsets[1], property.Name));
                tensors[property.Name] = new ShardTensor(dtype, shape, []);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException or OverflowException)
        {
            throw InvalidInputException.ForFile(path, $"invalid safetensors header ({e.Message.Split('\n')[0]})");
        }
        spans.Sort();
        for (int i = 1; i < spans.Count; i++)
            if (spans[i].Begin < spans[i - 1].End) throw InvalidInputException.ForFile(path, $"tensors '{spans[i - 1].Name}' and '{spans[i].Name}' overlap");
        if (headerOnly) return (tensors, metadata);

        long dataStart = 8 + (long)headerLength;
        foreach (var (begin, end, name) in spans)
        {
            var data = new byte[end - begin];
            stream.Position = dataStart + begin;
            stream.ReadExactly(data);
            tensors[name] = tensors[name] with { Data = data };
        }
        return (tensors, metadata);
    }
}
