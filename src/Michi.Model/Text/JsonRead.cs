// Small helpers for reading Hugging Face JSON files (tokenizer.json, tokenizer_config.json,
// generation_config.json) with JsonDocument, turning every shape problem into an
// InvalidInputException "PATH: problem" that names the field.
using System.Text.Json;

namespace Michi.Model.Text;

internal static class JsonRead
{
    /// <summary>Reads and parses a JSON file no larger than <paramref name="maxBytes"/>.</summary>
    public static JsonDocument Document(string path, long maxBytes)
    {
        if (!File.Exists(path)) throw InvalidInputException.ForFile(path, "file not found");
        long length = new FileInfo(path).Length;
        if (length > maxBytes)
            throw InvalidInputException.ForFile(path, $"{length} bytes, over the {maxBytes}-byte limit for this file");
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw InvalidInputException.ForFile(path, $"invalid JSON ({e.Message})");
        }
        catch (IOException e)
        {
            throw InvalidInputException.ForFile(path, $"cannot read ({e.Message})");
        }
    }

    public static string String(string path, JsonElement obj, string name, string where)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String)
            throw InvalidInputException.ForFile(path, $"{where}.{name} must be a string");
        return v.GetString()!;
    }

    public static string? OptionalString(string path, JsonElement obj, string name, string where)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String)
            throw InvalidInputException.ForFile(path, $"{where}.{name} must be a string or null, found {v.ValueKind}");
        return v.GetString();
    }

    public static bool OptionalBool(string path, JsonElement obj, string name, bool fallback)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return fallback;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw InvalidInputException.ForFile(path, $"{name} must be true or false, found {v.ValueKind}"),
        };
    }

    public static int Int(string path, JsonElement v, string what)
    {
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int i))
            throw InvalidInputException.ForFile(path, $"{what} must be a 32-bit integer, found {Describe(v)}");
        return i;
    }

    public static JsonElement.ArrayEnumerator Array(string path, JsonElement obj, string name, string where)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Array)
            throw InvalidInputException.ForFile(path, $"{where}.{name} must be an array");
        return v.EnumerateArray();
    }

    public static string Describe(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => $"\"{Truncate(v.GetString()!)}\"",
        JsonValueKind.Number => v.GetRawText(),
        _ => v.ValueKind.ToString(),
    };

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
