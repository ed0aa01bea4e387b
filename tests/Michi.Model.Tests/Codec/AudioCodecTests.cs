// Model directory save/load: identical outputs after a round trip; mismatched or incomplete
// checkpoints are InvalidInputException naming the file.
using Michi.Model.Checkpoints;
using Michi.Model.Codec;
using Michi.Model.Tests.Checkpoints;
using Michi.Model.Tests.Streaming;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Tests.Codec;

public sealed class AudioCodecTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void SaveLoadRoundTripGivesIdenticalOutputs()
    {
        using var codec = new AudioCodec(CodecConfig.Tiny);
        codec.eval();
        codec.Save(_dir.Path);
        Assert.True(File.Exists(_dir.File(CodecConfig.FileName)));
        Assert.True(File.Exists(_dir.File(Checkpoint.SingleFileName)));
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.tmp"));

        using var loaded = AudioCodec.Load(_dir.Path);
        Assert.Equal(codec.ParameterCount, loaded.ParameterCount);
        using var _ = torch.no_grad();
        using var x = torch.randn(1, 2 * CodecConfig.Tiny.FrameLength, generator: new Generator(1));
        using var z1 = codec.Encode(x);
        using var z2 = loaded.Encode(x);
        Assert.True(StreamingCheck.Identical(z1, z2));
        using var y1 = codec.Decode(z1);
        using var y2 = loaded.Decode(z1);
        Assert.True(StreamingCheck.Identical(y1, y2));
    }

    [Fact]
    public void StateDictNamesAreStable()
    {
        using var codec = new AudioCodec(CodecConfig.Tiny);
        var names = codec.state_dict().Keys.ToHashSet();
        Assert.Contains("encoder.conv_in.weight_g", names);
        Assert.Contains("encoder.blocks.0.res.units.1.conv1.weight_v", names);
        Assert.Contains("encoder.blocks.4.down.bias", names);
        Assert.Contains("encoder.conv_out.weight_v", names);
        Assert.Contains("vocoder.conv_pre.weight_v", names);
        Assert.Contains("vocoder.stages.1.up.conv.weight_g", names);
        Assert.Contains("vocoder.stages.0.mrf.blocks.0.units.0.act1.alpha", names);
        Assert.Contains("vocoder.conv_post.bias", names);
        Assert.DoesNotContain(names, n => n.Contains("istft"));
    }

    [Fact]
    public void WrongLatentDimensionIsInvalidInput()
    {
        using (var codec = new AudioCodec(CodecConfig.Tiny)) codec.Save(_dir.Path);
        (CodecConfig.Tiny with { LatentDim = 16 }).Save(_dir.Path);
        var e = Assert.Throws<InvalidInputException>(() => AudioCodec.Load(_dir.Path));
        Assert.Contains(Checkpoint.SingleFileName, e.Message);
        Assert.Contains("wrong shape", e.Message);
        Assert.Contains("vocoder.conv_pre.weight_v", e.Message);
    }

    [Fact]
    public void LatentDimensionOtherThanRequiredIsInvalidInput()
    {
        using (var codec = new AudioCodec(CodecConfig.Tiny)) codec.Save(_dir.Path);
        var e = Assert.Throws<InvalidInputException>(() => AudioCodec.Load(_dir.Path, expectedLatentDim: 32));
        Assert.Contains(CodecConfig.FileName, e.Message);
        Assert.Contains("latent_dim is 8, but 32 is required", e.Message);
    }

    [Fact]
    public void MissingTensorIsInvalidInput()
    {
        using (var codec = new AudioCodec(CodecConfig.Tiny))
        {
            codec.Save(_dir.Path);
            var partial = codec.state_dict().Where(kv => kv.Key != "vocoder.conv_post.bias").ToDictionary();
            SafetensorsWriter.Write(_dir.File(Checkpoint.SingleFileName), partial);
        }
        var e = Assert.Throws<InvalidInputException>(() => AudioCodec.Load(_dir.Path));
        Assert.Contains("missing", e.Message);
        Assert.Contains("vocoder.conv_post.bias", e.Message);
    }

    [Fact]
    public void MissingDirectoryOrWeightsIsInvalidInput()
    {
        Assert.Throws<InvalidInputException>(() => AudioCodec.Load(_dir.File("nope")));
        CodecConfig.Tiny.Save(_dir.Path);
        var e = Assert.Throws<InvalidInputException>(() => AudioCodec.Load(_dir.Path));
        Assert.Contains(Checkpoint.SingleFileName, e.Message);
    }

    [Fact]
    public void LatentsOfTheWrongShapeAreInvalidInput()
    {
        using var codec = new AudioCodec(CodecConfig.Tiny);
        using var good = torch.zeros(5, CodecConfig.Tiny.LatentDim);
        codec.CheckLatents(good, "in.safetensors");
        using var bad = torch.zeros(5, 32);
        var e = Assert.Throws<InvalidInputException>(() => codec.CheckLatents(bad, "in.safetensors"));
        Assert.StartsWith("in.safetensors: ", e.Message);
    }
}
