// Writes a safetensors file (spec: https://github.com/huggingface/safetensors, "Format") the
// way the reference implementation does: "__metadata__" first, the JSON header padded with
// spaces to a multiple of 8 bytes so the data buffer starts aligned, tensors packed back to
// back. Tensors go in ordinal name order (the reference orders by alignment, then name; any
// order is valid to readers), each written from a contiguous CPU view of itself, so a GPU or
// strided tensor is copied once and a contiguous CPU tensor not at all. The file appears
// atomically: it is written to a temporary file in the same directory, flushed to disk, then
// renamed over the destination.
using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Checkpoints;

public static class SafetensorsWriter
{
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors data is little-endian; big-endian hosts are not supported");

        var names = tensors.Keys.Order(StringComparer.Ordinal).ToList();
        var entries = new List<TensorEntry>(names.Count);
        long offset = 0;
        foreach (string name in names)
        {
            if (name == SafetensorsHeader.MetadataKey)
                throw new ArgumentException($"'{name}' is reserved for the header's metadata", nameof(tensors));
            var tensor = tensors[name] ?? throw new ArgumentException($"tensor '{name}' is null", nameof(tensors));
            if (!SafetensorsDTypes.TryFromScalarType(tensor.dtype, out var dtype))
                throw new ArgumentException($"tensor '{name}' has dtype {tensor.dtype}, which safetensors cannot store", nameof(tensors));
            long bytes = tensor.NumberOfElements * dtype.Size();
            entries.Add(new TensorEntry(name, dtype, tensor.shape, offset, offset + bytes));
            offset += bytes;
        }

        byte[] header = BuildHeader(entries, metadata);
        string directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        string temp = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 20))
            {
                Span<byte> length = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
                stream.Write(length);
                stream.Write(header);
                foreach (var entry in entries)
                {
                    using var cpu = ContiguousCpu(tensors[entry.Name]);
                    SafetensorsFile.ForEachChunk(cpu, entry.ByteCount, (span, _) => stream.Write(span));
                }
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

    /// <summary>The JSON header, space-padded to a multiple of 8 bytes.</summary>
    internal static byte[] BuildHeader(IReadOnlyList<TensorEntry> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping keeps non-ASCII names readable; the output is still valid JSON.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(SafetensorsHeader.MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                    json.WriteString(key, value);
                json.WriteEndObject();
            }
            foreach (var entry in entries)
            {
                json.WriteStartObject(entry.Name);
                json.WriteString("dtype", entry.DType.ToString());
                json.WriteStartArray("shape");
                foreach (long d in entry.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(entry.Begin);
                json.WriteNumberValue(entry.End);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        int padding = (int)((8 - buffer.Length % 8) % 8);
        for (int i = 0; i < padding; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    /// <summary>A contiguous CPU tensor with the same values, owned by the caller. Each step may
    /// return its input unchanged, so intermediates are disposed only when they are new objects;
    /// detach() first gives a fresh handle so the caller's tensor is never disposed.</summary>
    private static Tensor ContiguousCpu(Tensor tensor)
    {
        var detached = tensor.detach();
        var cpu = detached.cpu();
        if (!ReferenceEquals(cpu, detached)) detached.Dispose();
        var contiguous = cpu.contiguous();
        if (!ReferenceEquals(contiguous, cpu)) cpu.Dispose();
        return contiguous;
    }
}
