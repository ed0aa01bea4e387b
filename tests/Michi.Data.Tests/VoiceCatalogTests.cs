using Michi.Data.Synthesis;

namespace Michi.Data.Tests;

public class VoiceCatalogTests
{
    static VoiceCatalog Catalog() => new([new FakeEngine("good", "v1", "v2"), new FakeEngine("gone", "w") { Available = false }]);

    [Fact]
    public void EngineNameMeansAllItsVoices()
    {
        var s = Catalog().Resolve("good");
        Assert.Equal(["good:v1", "good:v2"], s.Voices.Select(v => v.Id));
        Assert.Empty(s.Missing);
    }

    [Fact]
    public void MissingEnginesAreReportedNotFatal()
    {
        var s = Catalog().Resolve("gone:w, good:v2");
        Assert.Equal(["good:v2"], s.Voices.Select(v => v.Id));
        Assert.Single(s.Missing);
        Assert.Contains("gone", s.Missing[0]);
    }

    [Fact]
    public void TyposAreErrors()
    {
        Assert.Throws<InvalidInputException>(() => Catalog().Resolve("good:nope"));
        Assert.Throws<InvalidInputException>(() => Catalog().Resolve("nosuchengine"));
    }

    [Fact]
    public void AllAndDuplicates()
    {
        Assert.Equal(["good:v1", "good:v2"], Catalog().Resolve("all,good:v1").Voices.Select(v => v.Id));
    }

    [Fact]
    public void DefaultSetIsTheIntelligibleVoices()
    {
        // Every default voice belongs to an engine the installed catalog knows.
        var engines = VoiceCatalog.Installed().Engines.Select(e => e.Name).ToHashSet();
        Assert.All(VoiceCatalog.DefaultVoiceIds, id => Assert.Contains(id[..id.IndexOf(':')], engines));
        Assert.DoesNotContain(VoiceCatalog.DefaultVoiceIds, id => id.StartsWith("espeak", StringComparison.Ordinal));
    }
}
