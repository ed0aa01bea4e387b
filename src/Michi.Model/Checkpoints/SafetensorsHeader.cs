// Parses and validates the JSON header of a safetensors file (spec:
// https://github.com/huggingface/safetensors, "Format"). Pure function of the header bytes and
// the data-buffer length, so every lie a header can tell is caught here, before any tensor
// memory is allocated: unknown dtype, bad shape, byte count ≠ product(shape) × dtype size
// (computed with overflow checks), offsets outside the buffer, overlapping tensors, duplicate
// names, non-string metadata. Gaps between tensors are tolerated (the reference
// implementation refuses them; they are harmless for reading and some writers align tensors).
using System.Text.Json;

namespace Michi.Model.Checkpoints;

internal static class SafetensorsHeader
{
    public const string MetadataKey = "__metadata__";

    /// <summary>The reference implementation's limit (MAX_HEADER_SIZE = 100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Validates a header. Throws InvalidInputException "path: problem".</summary>
    public static (Dictionary<string, TensorEntry> Entries, Dictionary<string, string> Metadata) Parse(
        string path, ReadOnlyMemory<byte> json, long bufferLength)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw InvalidInputException.ForFile(path, $"header is not valid JSON ({e.Message})");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw InvalidInputException.ForFile(path, $"header must be a JSON object, found {root.ValueKind}");

            var entries = new Dictionary<string, TensorEntry>(StringComparer.Ordinal);
            Dictionary<string, string>? metadata = null;
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name == MetadataKey)
                {
                    if (metadata is not null)
                        throw InvalidInputException.ForFile(path, $"header has two \"{MetadataKey}\" entries");
                    metadata = ParseMetadata(path, property.Value);
                    continue;
                }
                if (entries.ContainsKey(property.Name))
                    throw InvalidInputException.ForFile(path, $"tensor '{property.Name}' appears twice in the header");
                entries.Add(property.Name, ParseEntry(path, property.Name, property.Value, bufferLength));
            }
            CheckNoOverlap(path, entries.Values);
            return (entries, metadata ?? new Dictionary<string, string>());
        }
    }

    private static Dictionary<string, string> ParseMetadata(string path, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null) return new Dictionary<string, string>();
        if (value.ValueKind != JsonValueKind.Object)
            throw InvalidInputException.ForFile(path, $"\"{MetadataKey}\" must be an object of strings, found {value.ValueKind}");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw InvalidInputException.ForFile(path, $"\"{MetadataKey}\" value for '{item.Name}' must be a string, found {item.Value.ValueKind}");
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                throw InvalidInputException.ForFile(path, $"\"{MetadataKey}\" key '{item.Name}' appears twice");
        }
        return metadata;
    }

    private static TensorEntry ParseEntry(string path, string name, JsonElement value, long bufferLength)
    {
        InvalidInputException Bad(string problem) => InvalidInputException.ForFile(path, $"tensor '{name}': {problem}");

        if (value.ValueKind != JsonValueKind.Object)
            throw Bad($"entry must be an object, found {value.ValueKind}");

        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw Bad("missing string \"dtype\"");
        string dtypeName = dtypeElement.GetString()!;
        if (!SafetensorsDTypes.TryParse(dtypeName, out var dtype))
            throw Bad($"unknown dtype \"{dtypeName}\" (known: {SafetensorsDTypes.KnownNames})");

        if (!value.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw Bad("missing array \"shape\"");
        var shape = new long[shapeElement.GetArrayLength()];
        int i = 0;
        foreach (var dim in shapeElement.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out long d) || d < 0)
                throw Bad($"shape {shapeElement.GetRawText()} must hold non-negative integers");
            shape[i++] = d;
        }

        if (!value.TryGetProperty("data_offsets", out var offsetsElement)
            || offsetsElement.ValueKind != JsonValueKind.Array || offsetsElement.GetArrayLength() != 2)
            throw Bad("missing \"data_offsets\" [begin, end]");
        long begin = ReadOffset(offsetsElement[0]), end = ReadOffset(offsetsElement[1]);
        if (begin < 0 || end < 0)
            throw Bad($"data_offsets {offsetsElement.GetRawText()} must be non-negative integers");
        if (begin > end)
            throw Bad($"data_offsets {offsetsElement.GetRawText()} end before they begin");
        if (end > bufferLength)
            throw Bad($"data_offsets {offsetsElement.GetRawText()} run past the end of the data ({bufferLength} bytes)");

        long expected = ExpectedByteCount(shape, dtype)
            ?? throw Bad($"shape {TensorEntry.FormatShape(shape)} of {dtype} is too large (overflows 64 bits)");
        if (expected != end - begin)
            throw Bad($"shape {TensorEntry.FormatShape(shape)} of {dtype} needs {expected} bytes but data_offsets span {end - begin}");

        return new TensorEntry(name, dtype, shape, begin, end);
    }

    private static long ReadOffset(JsonElement element) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out long v) ? v : -1;

    /// <summary>product(shape) × size, or null on overflow. A zero dimension makes it 0 even if
    /// other dimensions are huge (PyTorch accepts such shapes).</summary>
    internal static long? ExpectedByteCount(long[] shape, SafetensorsDType dtype)
    {
        if (shape.Contains(0)) return 0;
        try
        {
            long count = dtype.Size();
            foreach (long d in shape) count = checked(count * d);
            return count;
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private static void CheckNoOverlap(string path, IEnumerable<TensorEntry> entries)
    {
        TensorEntry? previous = null;
        // Empty tensors occupy no bytes and cannot overlap anything.
        foreach (var entry in entries.Where(e => e.ByteCount > 0).OrderBy(e => e.Begin))
        {
            if (previous is not null && entry.Begin < previous.End)
                throw InvalidInputException.ForFile(path,
                    $"tensors '{previous.Name}' [{previous.Begin}, {previous.End}) and '{entry.Name}' [{entry.Begin}, {entry.End}) overlap");
            previous = entry;
        }
    }
}
