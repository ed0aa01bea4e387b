// Bad files are reported one by one (log line + manifest "failures") and skipped; the run goes
// on and prepares everything else. Also: config errors are one line naming the field.
using Michi.Data.Prepare;
using static Michi.Data.Tests.Prepare.PrepareFixture;

namespace Michi.Data.Tests.Prepare;

public class PrepareFailureTests
{
    [Fact]
    public async Task BadFilesAreReportedAndSkipped()
    {
        string root = TempDir(), corpus = Path.Combine(root, "mine");
        Wav(Path.Combine(corpus, "good.wav"), Speech(2));
        WriteText(Path.Combine(corpus, "good.txt"), "good file");
        WriteText(Path.Combine(corpus, "corrupt.wav"), "this is not a RIFF file at all, just text");
        WriteText(Path.Combine(corpus, "corrupt.txt"), "words");
        Wav(Path.Combine(corpus, "empty.wav"), Speech(2));
        WriteText(Path.Combine(corpus, "empty.txt"), "  \n ");
        Wav(Path.Combine(corpus, "silent.wav"), []);
        WriteText(Path.Combine(corpus, "silent.txt"), "nothing");
        File.CreateSymbolicLink(Path.Combine(corpus, "unreadable.wav"), Path.Combine(root, "nowhere.wav"));
        WriteText(Path.Combine(corpus, "unreadable.txt"), "words");
        Wav(Path.Combine(corpus, "latin1.wav"), Speech(1));
        File.WriteAllBytes(Path.Combine(corpus, "latin1.txt"), [0x63, 0x61, 0x66, 0xE9]);   // "café" in Latin-1
        var config = Config(root, sources: ("folder", corpus));
        var log = new StringWriter();

        var report = await Run(config, workers: 2, log: log);

        Assert.Equal(["folder-good"], report.Manifest.Inputs.SelectMany(i => i.Outputs).Select(o => o.Name));
        var reasons = report.Manifest.Failures.ToDictionary(f => f.Input, f => f.Reason);
        Assert.Equal(["folder/corrupt.wav", "folder/empty.wav", "folder/latin1.wav", "folder/silent.wav", "folder/unreadable.wav"], reasons.Keys);
        Assert.Contains("RIFF", reasons["folder/corrupt.wav"]);
        Assert.EndsWith("empty.txt: empty transcript", reasons["folder/empty.wav"]);
        Assert.Contains("not UTF-8", reasons["folder/latin1.wav"]);
        Assert.Contains("no audio samples", reasons["folder/silent.wav"]);
        Assert.Contains("unreadable.wav", reasons["folder/unreadable.wav"]);
        foreach (var (input, reason) in reasons)
        {
            Assert.DoesNotContain('\n', reason);
            Assert.Contains($"michi: skipped {input}: {reason}", log.ToString());
        }
        // The manifest on disk says the same.
        var onDisk = PrepareManifest.TryLoad(config.Output!)!;
        Assert.Equal(report.Manifest.Failures, onDisk.Failures);
    }

    static string ConfigError(string json)
    {
        string root = TempDir();
        Directory.CreateDirectory(Path.Combine(root, "corpus"));
        string path = Path.Combine(root, "config.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<InvalidInputException>(() => PrepareConfig.Load(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e.Message[(path.Length + 2)..];
    }

    [Fact]
    public void ConfigErrorsNameTheField()
    {
        Assert.StartsWith("output: required", ConfigError("""{"sources": [{"type": "folder", "path": "corpus"}]}"""));
        Assert.StartsWith("sources: required", ConfigError("""{"output": "out"}"""));
        Assert.StartsWith("sources[0].type: must be one of synthetic, libritts, ljspeech, folder (got \"mp3\")",
            ConfigError("""{"output": "out", "sources": [{"type": "mp3", "path": "corpus"}]}"""));
        Assert.StartsWith("sources[0].path: required", ConfigError("""{"output": "out", "sources": [{"type": "folder"}]}"""));
        Assert.Contains("folder not found", ConfigError("""{"output": "out", "sources": [{"type": "folder", "path": "missing"}]}"""));
        Assert.StartsWith("sources[1].name: \"folder\" is used by an earlier source",
            ConfigError("""{"output": "out", "sources": [{"type": "folder", "path": "corpus"}, {"type": "folder", "path": "corpus"}]}"""));
        Assert.StartsWith("segment_max_seconds: must be in 1..3600",
            ConfigError("""{"output": "out", "segment_max_seconds": 0, "sources": [{"type": "folder", "path": "corpus"}]}"""));
        Assert.StartsWith("aligner: must be one of", ConfigError("""{"output": "out", "aligner": "mfa", "sources": [{"type": "folder", "path": "corpus"}]}"""));
        Assert.StartsWith("tokenizer: shards need both", ConfigError("""{"output": "out", "codec": "c", "sources": [{"type": "folder", "path": "corpus"}]}"""));
        Assert.StartsWith("output: ", ConfigError("""{"output": "corpus/out", "sources": [{"type": "folder", "path": "corpus"}]}"""));
        Assert.Contains("file not found", ConfigError("""{"output": "out", "whisper_model": "none.bin", "sources": [{"type": "folder", "path": "corpus"}]}"""));
        Assert.Contains("segment_max", ConfigError("""{"output": "out", "segment_max": 5, "sources": [{"type": "folder", "path": "corpus"}]}"""));
        Assert.Contains("$.lead", ConfigError("""{"output": "out", "lead": "two", "sources": [{"type": "folder", "path": "corpus"}]}"""));
        Assert.Contains("invalid prepare config JSON", ConfigError("""{"output": """));
    }

    [Fact]
    public void RelativePathsAreResolvedAgainstTheConfigFolder()
    {
        string root = TempDir();
        Directory.CreateDirectory(Path.Combine(root, "corpus"));
        string path = Path.Combine(root, "config.json");
        File.WriteAllText(path, """{"output": "out", "sources": [{"type": "libritts", "path": "corpus"}]}""");
        var config = PrepareConfig.Load(path);
        Assert.Equal(Path.Combine(root, "out"), config.Output);
        Assert.Equal(Path.Combine(root, "corpus"), config.Sources![0].Path);
        Assert.Equal(("libritts", 20.0, "pocketsphinx"), (config.Sources[0].Name, config.SegmentMaxSeconds, config.Aligner));
    }
}
