// Idempotence in-process: a second run does nothing and changes no byte; damaged or missing
// outputs, leftovers of a killed run (temp files, a half-written journal line) and changed or
// removed inputs are each handled so the folder ends as a fresh run would leave it. Shards are
// written at the end when a codec and tokenizer are given. (kill -9 of the real process:
// tests/Michi.Cli.Tests/DataPrepareCommandTests.cs.)
using Michi.Data.Prepare;
using Michi.Data.Shards;
using Michi.Data.Tests.Shards;
using static Michi.Data.Tests.Prepare.PrepareFixture;

namespace Michi.Data.Tests.Prepare;

public class PrepareResumeTests
{
    static (string Root, PrepareConfig Config) Corpus(int files = 6)
    {
        string root = TempDir(), corpus = Path.Combine(root, "mine");
        for (int i = 0; i < files; i++)
        {
            Wav(Path.Combine(corpus, $"f{i}.wav"), Speech(1 + i % 3, rate: i % 2 == 0 ? 24000 : 16000, seed: i), i % 2 == 0 ? 24000 : 16000);
            WriteText(Path.Combine(corpus, $"f{i}.txt"), string.Join(' ', Enumerable.Range(0, 1 + i % 3).Select(k => $"word{(char)('a' + k)}")));
        }
        return (root, Config(root, sources: ("folder", corpus)));
    }

    [Fact]
    public async Task SecondRunChangesNothing()
    {
        var (_, config) = Corpus();
        var first = await Run(config, workers: 2);
        var before = Hashes(config.Output!);
        var second = await Run(config, workers: 3);
        Assert.Equal((6, 0), (first.Prepared, first.AlreadyDone));
        Assert.Equal((0, 6, 0), (second.Prepared, second.AlreadyDone, second.Removed));
        Assert.Equal(before, Hashes(config.Output!));
        Assert.False(File.Exists(Path.Combine(config.Output!, PrepareJournal.FileName)));
    }

    [Fact]
    public async Task LeftoversOfAKilledRunAreRepaired()
    {
        var (_, fresh) = Corpus();
        await Run(fresh);
        var expected = Hashes(fresh.Output!);

        var (_, config) = Corpus();
        await Run(config);
        string speech = SpeechDir(config);
        // As if killed: the manifest never written, the journal holds 3 records and half a fourth,
        // one utterance lost its JSON, another's WAV was overwritten, temp files lie around.
        var manifest = PrepareManifest.TryLoad(config.Output!)!;
        File.Delete(Path.Combine(config.Output!, PrepareManifest.FileName));
        string journal = string.Join("", manifest.Inputs.Take(3).Select(i => System.Text.Json.JsonSerializer.Serialize(i) + "\n"));
        File.WriteAllText(Path.Combine(config.Output!, PrepareJournal.FileName), journal + "{\"key\":\"folder/f3.w");
        File.Delete(Path.Combine(speech, "folder-f1.json"));
        File.WriteAllBytes(Path.Combine(speech, "folder-f2.wav"), [1, 2, 3]);
        File.WriteAllText(Path.Combine(speech, ".folder-f4.wav.0123.tmp"), "partial");
        File.WriteAllText(Path.Combine(config.Output!, ".manifest.json.0123.tmp"), "partial");

        var report = await Run(config, workers: 2);

        // f0 is intact and journalled; f1, f2 are damaged; f3 (half a line), f4, f5 were never journalled.
        Assert.Equal((5, 1), (report.Prepared, report.AlreadyDone));
        Assert.Equal(Rebase(expected, fresh), Rebase(Hashes(config.Output!), config));
    }

    /// <summary>The manifest names its source folders: compare it with those replaced, so two temp folders can be compared.</summary>
    static SortedDictionary<string, string> Rebase(SortedDictionary<string, string> hashes, PrepareConfig config)
    {
        var copy = new SortedDictionary<string, string>(hashes, StringComparer.Ordinal);
        string text = File.ReadAllText(Path.Combine(config.Output!, PrepareManifest.FileName)).Replace(config.Sources![0].Path!, "SOURCE");
        copy[PrepareManifest.FileName] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
        return copy;
    }

    [Fact]
    public async Task ChangedAndRemovedInputsAreRedoneAndCleanedUp()
    {
        var (root, config) = Corpus();
        await Run(config);
        string corpus = config.Sources![0].Path!;
        WriteText(Path.Combine(corpus, "f0.txt"), "changed words");
        File.Delete(Path.Combine(corpus, "f5.wav"));

        var report = await Run(config);

        Assert.Equal((1, 4, 2), (report.Prepared, report.AlreadyDone, report.Removed));
        Assert.False(File.Exists(Path.Combine(SpeechDir(config), "folder-f5.wav")));
        Assert.DoesNotContain(report.Manifest.Inputs, i => i.Key == "folder/f5.wav");
        Assert.Contains("changed words", File.ReadAllText(Path.Combine(SpeechDir(config), "folder-f0.json")));

        // New settings redo everything.
        var shorter = Config(root, maxSeconds: 1, sources: ("folder", corpus));
        var again = await Run(shorter);
        Assert.Equal((5, 0), (again.Prepared, again.AlreadyDone));
    }

    [Fact]
    public async Task ShardsAreWrittenFromThePreparedUtterances()
    {
        var (root, config) = Corpus();
        config = config with { Codec = Path.Combine(root, "codec"), Tokenizer = Path.Combine(root, "tokenizer") };
        var encoder = new FakeEncoder();
        var options = new PrepareOptions { Workers = 2, LoadEncoder = () => encoder, LoadTokenizer = ShardFixture.Letters };

        var report = await PreparePipeline.RunAsync(config, options);

        Assert.NotNull(report.Shards);
        Assert.Equal(new PreparedShards("shards", 1, 6, report.Shards.Manifest.Frames, 0), report.Manifest.Shards);
        var shards = ShardManifest.Load(Path.Combine(config.Output!, PreparePipeline.ShardFolder));
        Assert.Equal(6, shards.Utterances);
        Assert.Equal(["folder"], shards.Voices);
        var again = await PreparePipeline.RunAsync(config, options);
        Assert.Equal((0, 1), (again.Shards!.ShardsWritten, again.Shards.ShardsReused));
    }
}
