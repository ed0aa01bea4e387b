// What differs between two recipes, setting by setting, from their JSON: a resumed run must
// use the recipe it was started with, and the refusal names every top-level setting that
// changed ("batch_size: 2 → 3"). Shared by every trainer's recipe.
using System.Text.Json;

namespace Michi.Training;

public static class RecipeJson
{
    /// <summary>Top-level settings whose JSON differs between <paramref name="before"/> and <paramref name="after"/>.</summary>
    public static IReadOnlyList<string> Differences(string before, string after)
    {
        using var a = JsonDocument.Parse(before);
        using var b = JsonDocument.Parse(after);
        var bProps = b.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetRawText());
        var aNames = a.RootElement.EnumerateObject().Select(p => p.Name).ToHashSet();
        return a.RootElement.EnumerateObject()
            .Where(p => !bProps.TryGetValue(p.Name, out var v) || Compact(v) != Compact(p.Value.GetRawText()))
            .Select(p => $"{p.Name}: {Short(p.Value.GetRawText())} → {Short(bProps.GetValueOrDefault(p.Name, "absent"))}")
            .Concat(bProps.Keys.Where(n => !aNames.Contains(n)).Select(n => $"{n}: absent → {Short(bProps[n])}"))
            .ToList();
    }

    private static string Compact(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);
    private static string Short(string json) { string c = Compact(json); return c.Length > 60 ? c[..57] + "…" : c; }
}
