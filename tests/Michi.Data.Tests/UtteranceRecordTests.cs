using Michi.Data.Corpus;

namespace Michi.Data.Tests;

public class UtteranceRecordTests
{
    static UtteranceRecord Sample(params WordRecord[] words) =>
        new("000001", "hi there", "fake", "fake:a", 1.02, 0.97, 5, 24000, 24000, 1.0, "engine_events",
            words.Length > 0 ? words : [new("hi", 0.1, 0.3), new("there", 0.35, 0.8)]);

    static string Write(string content)
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("michi-rec-").FullName, "u.json");
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void RoundTripsWithSnakeCaseNames()
    {
        var r = Sample();
        string path = Write("");
        r.Write(path);
        string json = File.ReadAllText(path);
        Assert.Contains("\"sample_rate\":24000", json);
        Assert.DoesNotContain("WordTimings", json);
        var back = UtteranceRecord.Read(path);
        Assert.Equal(r.Text, back.Text);
        Assert.Equal(r.Words, back.Words);
        Assert.Equal(r.Rate, back.Rate);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("[1,2]")]
    public void BadFilesAreInvalidInput(string content)
    {
        string path = Write(content);
        var e = Assert.Throws<InvalidInputException>(() => UtteranceRecord.Read(path));
        Assert.StartsWith(path, e.Message);
    }

    [Fact]
    public void NonMonotonicOrOutOfRangeWordsAreRejected()
    {
        string path = Write(Sample(new WordRecord("a", 0.5, 0.6), new WordRecord("b", 0.2, 0.3)).ToJson());
        Assert.Throws<InvalidInputException>(() => UtteranceRecord.Read(path));
        path = Write(Sample(new WordRecord("a", 0.5, 3.0)).ToJson());
        Assert.Throws<InvalidInputException>(() => UtteranceRecord.Read(path));
    }
}
