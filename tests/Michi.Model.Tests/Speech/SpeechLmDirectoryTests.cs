// The model directory: save → load gives identical outputs (text logits, h, sampled latents,
// listen logits, codec); the backbone part is a plain Hugging Face directory; parts that do not
// fit each other are refused with an InvalidInputException naming the file.
using System.Text.Json.Nodes;
using Michi.Model.Backbone;
using Michi.Model.Codec;
using Michi.Model.Speech;
using Michi.Tests.Fixtures;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Tests.Speech;

public sealed class SpeechLmDirectoryTests
{
    private static SpeechLmDirectory TinyDirectory(long seed)
    {
        torch.manual_seed(seed);
        var model = SpeechTestModels.FixtureModel();
        SpeechTestModels.PerturbHeads(model, seed);
        model.eval();
        return new SpeechLmDirectory(model, TinyLlamaFixture.Directory, new AudioCodec(CodecConfig.Tiny));
    }

    [Fact]
    public void SaveThenLoadGivesIdenticalOutputs()
    {
        using var scratch = new ScratchDirectory();
        using var original = TinyDirectory(seed: 8);
        original.Save(scratch.Path);
        using var loaded = SpeechLmDirectory.Load(scratch.Path);
        Assert.Equal(original.Config.ToJson(), loaded.Config.ToJson());
        Assert.NotNull(loaded.Codec);
        Assert.Equal(original.Tokenizer.Encode("hello world"), loaded.Tokenizer.Encode("hello world"));

        var c = original.Config;
        using var scope = torch.NewDisposeScope();
        var ids = SpeechTestModels.Ids(3, c.StartOfSpeechId, 70, c.PadId);
        var latents = torch.randn(1, 4, c.LatentDim, generator: new Generator(9));
        var inputs = new SpeechLmInputs(ids) { UserTokens = SpeechTestModels.Ids(-1, c.PadId, 9, c.PadId), ModelLatents = latents, UserLatents = latents };
        using var a = original.Model.Forward(inputs);
        using var b = loaded.Model.Forward(inputs);
        Assert.True(a.TextLogits.eq(b.TextLogits).all().item<bool>());
        Assert.True(a.Hidden.eq(b.Hidden).all().item<bool>());
        var za = original.Model.SampleLatent(a.Hidden[0], rng: new Generator(10));
        var zb = loaded.Model.SampleLatent(b.Hidden[0], rng: new Generator(10));
        Assert.True(za.eq(zb).all().item<bool>());
        Assert.True(original.Model.ListenLogits(latents).eq(loaded.Model.ListenLogits(latents)).all().item<bool>());
        Assert.True(original.Codec!.Decode(latents).eq(loaded.Codec!.Decode(latents)).all().item<bool>());

        // backbone/ is a Hugging Face directory on its own, holding the fixture's weights unchanged.
        using var hf = HfModelDirectory.Load(Path.Combine(scratch.Path, SpeechLmDirectory.BackboneDirectoryName));
        using var fixture = HfModelDirectory.Load(TinyLlamaFixture.Directory);
        foreach (var (name, tensor) in fixture.Model.state_dict())
            Assert.True(tensor.eq(hf.Model.state_dict()[name]).all().item<bool>(), name);

        // Saving again over the same directory works (atomic replace) and loads the same.
        loaded.Save(scratch.Path);
        using var reloaded = SpeechLmDirectory.Load(scratch.Path);
        using var r = reloaded.Model.Forward(inputs);
        Assert.True(r.TextLogits.eq(a.TextLogits).all().item<bool>());
        Assert.Empty(Directory.GetFiles(scratch.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void DirectoryWithoutCodecLoadsWithNone()
    {
        using var scratch = new ScratchDirectory();
        using (var original = TinyDirectory(seed: 11)) original.Save(scratch.Path);
        Directory.Delete(Path.Combine(scratch.Path, SpeechLmDirectory.CodecDirectoryName), recursive: true);
        using var loaded = SpeechLmDirectory.Load(scratch.Path);
        Assert.Null(loaded.Codec);
        var e = Assert.Throws<InvalidInputException>(() => loaded.RequireCodec());
        Assert.Contains("codec", e.Message);
    }

    [Theory]
    [InlineData("codec latent_dim", "latent_dim")]
    [InlineData("codec frame", "frame_ms")]
    [InlineData("config vocab", "vocab_size")]
    [InlineData("backbone vocab", "vocab_size")]
    [InlineData("heads shapes", "heads.safetensors")]
    [InlineData("missing heads", "heads.safetensors")]
    [InlineData("bad json", "config.json")]
    public void MismatchedPartsAreRefused(string breakage, string expectedInMessage)
    {
        using var scratch = new ScratchDirectory();
        using (var original = TinyDirectory(seed: 12)) original.Save(scratch.Path);
        string dir = scratch.Path;
        string codecDir = Path.Combine(dir, SpeechLmDirectory.CodecDirectoryName);
        switch (breakage)
        {
            case "codec latent_dim":
                using (var other = new AudioCodec(CodecConfig.Tiny with { LatentDim = 4 })) other.Save(codecDir);
                break;
            case "codec frame":
                EditJson(Path.Combine(dir, SpeechLmConfig.FileName), j => j["frame_ms"] = 40);
                break;
            case "config vocab":
                EditJson(Path.Combine(dir, SpeechLmConfig.FileName), j => j["text_vocab_size"] = 1000);
                break;
            case "backbone vocab":
                EditJson(Path.Combine(dir, SpeechLmDirectory.BackboneDirectoryName, LlamaConfig.FileName), j => j["vocab_size"] = 1000);
                break;
            case "heads shapes":
                // A wider speak head than the stored one: the heads file no longer fits the config.
                EditJson(Path.Combine(dir, SpeechLmConfig.FileName), j => j["speak_head_width"] = 32);
                break;
            case "missing heads":
                File.Delete(Path.Combine(dir, SpeechLmDirectory.HeadsFileName));
                break;
            case "bad json":
                File.WriteAllText(Path.Combine(dir, SpeechLmConfig.FileName), "{ \"latent_dim\": ");
                break;
        }
        var e = Assert.Throws<InvalidInputException>(() => SpeechLmDirectory.Load(dir));
        Assert.Contains(expectedInMessage, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    private static void EditJson(string path, Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }
}
