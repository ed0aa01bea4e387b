// Speech shards: tokens land on the frames FrameAligner's rule says (lead δ for the model
// stream, onset for the listen stream, end of turn after the last word), latents are exactly
// the encoder's output for the audio at its rate, a second run reuses finished shards and
// rebuilds only what changed, and bad inputs are skipped with reasons or refused with an
// InvalidInputException naming the file.
using Michi.Audio;
using Michi.Data.Shards;

namespace Michi.Data.Tests.Shards;

public sealed class SpeechShardTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("michi-shards-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private ShardBuildOptions Options(string speech, long shardFrames = 60, int lead = 2) =>
        new() { SpeechDirectory = speech, OutputDirectory = Path.Combine(_root, "shards"), ShardFrames = shardFrames, Lead = lead };

    [Fact]
    public void TokensLandOnTheirFramesAndLatentsAreTheEncodersOutput()
    {
        string speech = ShardFixture.WriteCorpus(_root);
        var encoder = new FakeEncoder();
        var tokenizer = ShardFixture.Letters();
        var report = SpeechShardBuilder.Build(Options(speech), encoder, tokenizer);
        Assert.Equal(2, report.Manifest.Shards.Count);          // 25 + 30 frames fit the budget of 60, + 20 does not
        Assert.Equal(3, report.Manifest.Utterances);
        Assert.Equal(["fake:a", "fake:b"], report.Manifest.Voices);
        Assert.Empty(report.Manifest.Skipped);

        var set = SpeechShardSet.Load(Path.Combine(_root, "shards"));
        Assert.Equal(["000000", "000001", "000002"], set.Utterances.Select(u => u.Name));
        Assert.Equal([0, 1, 0], set.Utterances.Select(u => u.Voice));
        foreach (var u in set.Utterances)
        {
            // Latents: the encoder applied to the WAV at the codec's rate (000002 was 16 kHz).
            var (samples, rate) = WavFile.ReadMono(Path.Combine(speech, u.Name + ".wav"));
            if (rate != encoder.SampleRate) samples = Resampler.Resample(samples, rate, encoder.SampleRate);
            Assert.Equal(encoder.Encode(samples), u.Latents);
            Assert.Equal((samples.Length + 1919) / 1920, u.Frames);
        }

        // "hi" starts at 0.30 s = frame 3, minus the lead of 2 → frame 1: tokens h, i at frames 1, 2;
        // " there" at 0.90 s = frame 11 → 9: space, t, h, e, r, e at 9..14; end of turn at
        // ⌈1.40 / 0.08⌉ = 18 (audio end, after the tokens). PAD elsewhere.
        int pad = ShardManifest.PadToken, eot = ShardManifest.EndOfTurnToken;
        var first = set.Utterances[0].Tokens;
        var expected = Enumerable.Repeat(pad, first.Length).ToArray();
        int[] hi = tokenizer.Encode("hi"), there = tokenizer.Encode(" there");
        for (int k = 0; k < hi.Length; k++) expected[1 + k] = hi[k];
        for (int k = 0; k < there.Length; k++) expected[9 + k] = there[k];
        expected[18] = eot;
        Assert.Equal(expected, first);
        // The listen stream places the same tokens at the audio onset (frames 3 and 11), no end of turn.
        var onset = Enumerable.Repeat(pad, first.Length).ToArray();
        for (int k = 0; k < hi.Length; k++) onset[3 + k] = hi[k];
        for (int k = 0; k < there.Length; k++) onset[11 + k] = there[k];
        Assert.Equal(onset, set.Utterances[0].OnsetTokens);
        Assert.Equal(0, report.Manifest.Collisions);
        Assert.Equal(encoder.Encode(new float[48000])[^3..], report.Manifest.SilenceLatent);
    }

    [Fact]
    public void ASecondRunReusesFinishedShardsAndRebuildsChangedOnes()
    {
        string speech = ShardFixture.WriteCorpus(_root);
        var first = SpeechShardBuilder.Build(Options(speech), new FakeEncoder(), ShardFixture.Letters());
        Assert.Equal((2, 0), (first.ShardsWritten, first.ShardsReused));

        var encoder = new FakeEncoder();
        var again = SpeechShardBuilder.Build(Options(speech), encoder, ShardFixture.Letters());
        Assert.Equal((0, 2), (again.ShardsWritten, again.ShardsReused));
        Assert.Equal(1, encoder.Calls);                           // only the silence latent
        Assert.Equal(first.Manifest.ToJson(), again.Manifest.ToJson());

        // An edited record invalidates its shard only; another codec invalidates all of them.
        ShardFixture.WriteUtterance(speech, "000002", 1.6, [("go", 0.10, 0.40)], rate: 16000);
        var edited = SpeechShardBuilder.Build(Options(speech), new FakeEncoder(), ShardFixture.Letters());
        Assert.Equal((1, 1), (edited.ShardsWritten, edited.ShardsReused));
        var other = SpeechShardBuilder.Build(Options(speech), new FakeEncoder { Fingerprint = "other" }, ShardFixture.Letters());
        Assert.Equal((2, 0), (other.ShardsWritten, other.ShardsReused));

        // A damaged shard is rebuilt rather than trusted.
        string shard = Path.Combine(_root, "shards", SpeechShardBuilder.ShardFileName(0));
        File.WriteAllBytes(shard, File.ReadAllBytes(shard)[..20]);
        var repaired = SpeechShardBuilder.Build(Options(speech), new FakeEncoder { Fingerprint = "other" }, ShardFixture.Letters());
        Assert.Equal((1, 1), (repaired.ShardsWritten, repaired.ShardsReused));
        Assert.Equal(3, SpeechShardSet.Load(Path.Combine(_root, "shards")).Utterances.Count);
    }

    [Fact]
    public void Float16LatentsRoundTripWithinHalfPrecision()
    {
        string speech = ShardFixture.WriteCorpus(_root);
        var encoder = new FakeEncoder();
        SpeechShardBuilder.Build(Options(speech) with { Float16 = true }, encoder, ShardFixture.Letters());
        var set = SpeechShardSet.Load(Path.Combine(_root, "shards"));
        Assert.Equal("F16", set.Manifest.LatentDType);
        var (samples, _) = WavFile.ReadMono(Path.Combine(speech, "000000.wav"));
        float[] exact = encoder.Encode(samples);
        Assert.Equal(exact.Length, set.Utterances[0].Latents.Length);
        for (int i = 0; i < exact.Length; i++) Assert.True(Math.Abs(exact[i] - set.Utterances[0].Latents[i]) <= 1e-3 * Math.Max(1, Math.Abs(exact[i])));
    }

    [Fact]
    public void BadUtterancesAreSkippedWithTheirReasons()
    {
        string speech = ShardFixture.WriteCorpus(_root);
        File.WriteAllText(Path.Combine(speech, "000003.json"), "{ not json");
        File.WriteAllText(Path.Combine(speech, "000003.wav"), "RIFF");
        ShardFixture.WriteUtterance(speech, "000004", 1.0, [("x", 0.1, 0.2)]);
        File.Delete(Path.Combine(speech, "000004.wav"));
        ShardFixture.WriteUtterance(speech, "000005", 1.0, [("y", 0.1, 0.2)]);
        File.WriteAllBytes(Path.Combine(speech, "000005.wav"), [1, 2, 3, 4, 5, 6, 7, 8]);

        var report = SpeechShardBuilder.Build(Options(speech, shardFrames: 1000), new FakeEncoder(), ShardFixture.Letters());
        Assert.Equal(3, report.Manifest.Utterances);
        Assert.Equal(["000003", "000004", "000005"], report.Manifest.Skipped.Select(s => s.Name));
        Assert.All(report.Manifest.Skipped, s => Assert.False(string.IsNullOrWhiteSpace(s.Reason)));
        Assert.Contains("000004.wav", report.Manifest.Skipped[1].Reason);
        Assert.Equal(3, SpeechShardSet.Load(Path.Combine(_root, "shards")).Utterances.Count);
    }

    [Fact]
    public void MissingOrBrokenInputsAreRefusedNamingTheFile()
    {
        string missing = Path.Combine(_root, "nowhere");
        var e1 = Assert.Throws<InvalidInputException>(() => SpeechShardBuilder.Build(Options(missing), new FakeEncoder(), ShardFixture.Letters()));
        Assert.Contains(missing, e1.Message);
        string empty = Directory.CreateDirectory(Path.Combine(_root, "empty")).FullName;
        Assert.Throws<InvalidInputException>(() => SpeechShardBuilder.Build(Options(empty), new FakeEncoder(), ShardFixture.Letters()));

        Assert.Throws<InvalidInputException>(() => SpeechShardSet.Load(missing));
        Assert.Contains(ShardManifest.FileName, Assert.Throws<InvalidInputException>(() => SpeechShardSet.Load(empty)).Message);

        string speech = ShardFixture.WriteCorpus(_root);
        SpeechShardBuilder.Build(Options(speech), new FakeEncoder(), ShardFixture.Letters());
        string shards = Path.Combine(_root, "shards");
        string shard = Path.Combine(shards, SpeechShardBuilder.ShardFileName(1));
        byte[] bytes = File.ReadAllBytes(shard);
        File.WriteAllBytes(shard, bytes[..(bytes.Length - 4)]);
        Assert.Contains(shard, Assert.Throws<InvalidInputException>(() => SpeechShardSet.Load(shards)).Message);

        // A header that claims more bytes than the file holds.
        BitConverter.GetBytes((ulong)1 << 40).CopyTo(bytes, 0);
        File.WriteAllBytes(shard, bytes);
        Assert.Contains("header length", Assert.Throws<InvalidInputException>(() => ShardFile.Read(shard)).Message);
    }

    [Fact]
    public void EndOfTurnGoesAfterTheLastWordOrIsCountedAsDropped()
    {
        int pad = ShardManifest.PadToken;
        int[] stream = [pad, 5, 6, pad, pad, pad];
        Assert.True(SpeechShardBuilder.PlaceEndOfTurn(stream, lastWordEnd: 0.30, frameSeconds: 0.08));
        Assert.Equal([pad, 5, 6, pad, ShardManifest.EndOfTurnToken, pad], stream);   // ⌈0.30 / 0.08⌉ = 4
        int[] late = [pad, 5, 6, pad];
        Assert.True(SpeechShardBuilder.PlaceEndOfTurn(late, lastWordEnd: 2.0, frameSeconds: 0.08));
        Assert.Equal(ShardManifest.EndOfTurnToken, late[3]);                         // audio ends past the last frame
        int[] full = [5, 6, 7];
        Assert.False(SpeechShardBuilder.PlaceEndOfTurn(full, lastWordEnd: 0.2, frameSeconds: 0.08));
    }
}
