// Reads a small JSON file the user gave us (a config, a manifest) without trusting it: a size
// cap before reading, and every deserialisation failure turned into one InvalidInputException
// "PATH: invalid <what> JSON at $.field (reason)". Lives in the bottom project beside
// InvalidInputException so that every layer can use it.
using System.Text.Json;

namespace Michi;

public static class BoundedJson
{
    /// <summary>Deserialises <paramref name="path"/>; <paramref name="sizeWhat"/> names the file in the
    /// too-large message, <paramref name="jsonWhat"/> in the invalid-JSON message.</summary>
    public static T Read<T>(string path, string sizeWhat, string jsonWhat, JsonSerializerOptions? options = null, long maxBytes = 1_000_000)
        where T : class
    {
        if (!File.Exists(path)) throw InvalidInputException.ForFile(path, "file not found");
        long length = new FileInfo(path).Length;
        if (length > maxBytes) throw InvalidInputException.ForFile(path, $"{length} bytes: far too large for {sizeWhat}");
        T? value;
        try
        {
            // Editors on Windows save with a UTF-8 byte-order mark, which the UTF-8 reader refuses.
            ReadOnlySpan<byte> bytes = File.ReadAllBytes(path);
            if (bytes.StartsWith("\uFEFF"u8)) bytes = bytes[3..];
            value = JsonSerializer.Deserialize<T>(bytes, options);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or NotSupportedException)
        {
            string where = e is JsonException { Path: { Length: > 1 } p } ? $" at {p}" : "";
            throw InvalidInputException.ForFile(path, $"invalid {jsonWhat} JSON{where} ({e.Message.Split('\n')[0]})");
        }
        return value ?? throw InvalidInputException.ForFile(path, "config is JSON null");
    }
}
