namespace Michi.Audio.Tests;

public class BoundedJsonTests
{
    private sealed record Settings(int Rate);

    [Fact]
    public void ReadsWithOrWithoutAByteOrderMark()
    {
        using var dir = new TempDir();
        string plain = dir.File("plain.json"), bom = dir.File("bom.json");
        System.IO.File.WriteAllText(plain, "{\"Rate\": 5}");
        System.IO.File.WriteAllBytes(bom, [0xEF, 0xBB, 0xBF, .. "{\"Rate\": 7}"u8.ToArray()]);
        Assert.Equal(5, BoundedJson.Read<Settings>(plain, "a config", "config").Rate);
        Assert.Equal(7, BoundedJson.Read<Settings>(bom, "a config", "config").Rate);
    }

    [Fact]
    public void RefusesOversizedBrokenAndMissingFilesInOneLine()
    {
        using var dir = new TempDir();
        string big = dir.File("big.json"), broken = dir.File("broken.json");
        System.IO.File.WriteAllText(big, new string(' ', 2000));
        System.IO.File.WriteAllText(broken, "{\"Rate\": \"fast\"}");
        Assert.Contains("far too large", Assert.Throws<InvalidInputException>(() => BoundedJson.Read<Settings>(big, "a config", "config", maxBytes: 1000)).Message);
        var e = Assert.Throws<InvalidInputException>(() => BoundedJson.Read<Settings>(broken, "a config", "config"));
        Assert.StartsWith(broken + ": invalid config JSON at $.Rate", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("not found", Assert.Throws<InvalidInputException>(() => BoundedJson.Read<Settings>(dir.File("none.json"), "a config", "config")).Message);
    }
}
