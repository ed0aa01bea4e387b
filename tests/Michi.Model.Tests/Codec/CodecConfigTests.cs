// Codec config: presets are valid and ordered by size, JSON round-trips, bad files are
// InvalidInputException with the path.
using Michi.Model.Codec;
using Michi.Model.Tests.Checkpoints;

namespace Michi.Model.Tests.Codec;

public sealed class CodecConfigTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void PresetsAreValidAndGrowInSize()
    {
        long previous = 0;
        foreach (string name in CodecConfig.PresetNames)
        {
            var config = CodecConfig.Preset(name)!;
            Assert.Null(config.Validate());
            Assert.Equal(config.FrameLength, config.Encoder.TotalStride);
            using var codec = new AudioCodec(config);
            Assert.True(codec.ParameterCount > previous, $"{name}: {codec.ParameterCount} parameters");
            previous = codec.ParameterCount;
        }
        Assert.Null(CodecConfig.Preset("huge"));
        Assert.Equal(12.5, CodecConfig.Small.FrameRate);
    }

    [Fact]
    public void PaperVocoderHasHifiGanV1Capacity()
    {
        // HiFi-GAN V1's generator has 13.9M parameters (Kong et al. 2020, Table 1).
        using var vocoder = new Vocoder(CodecConfig.Paper);
        long count = AudioCodec.CountParameters(vocoder);
        Assert.InRange(count, 8_000_000, 30_000_000);
    }

    [Fact]
    public void JsonRoundTrips()
    {
        CodecConfig.Small.Save(_dir.Path);
        var loaded = CodecConfig.Load(_dir.Path);
        Assert.Equal(CodecConfig.Small.ToJson(), loaded.ToJson());
        Assert.Contains("\"upsample_rates\"", File.ReadAllText(_dir.File(CodecConfig.FileName)));
    }

    [Theory]
    [InlineData("{", "invalid codec config JSON")]
    [InlineData("null", "JSON null")]
    [InlineData("{\"model_type\":\"llama\"}", "model_type")]
    [InlineData("{\"encoder\":{\"strides\":[2,4,5,6]}}", "encoder.strides multiply to 240")]
    [InlineData("{\"vocoder\":{\"activation\":\"gelu\"}}", "vocoder.activation")]
    [InlineData("{\"latent_dim\":0}", "latent_dim")]
    [InlineData("{\"vocoder\":{\"upsample_rates\":[4,4],\"upsample_kernel_sizes\":[8,8],\"istft_n_fft\":100}}", "istft_n_fft")]
    [InlineData("{\"vocoder\":{\"upsample_rates\":[4,4],\"upsample_kernel_sizes\":[8,8]}}", "not frame_length")]
    public void BadConfigsAreRejectedWithThePath(string json, string problem)
    {
        string path = _dir.File(CodecConfig.FileName);
        File.WriteAllText(path, json);
        var e = Assert.Throws<InvalidInputException>(() => CodecConfig.Load(_dir.Path));
        Assert.Contains(path, e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void MissingConfigIsInvalidInput()
    {
        var e = Assert.Throws<InvalidInputException>(() => CodecConfig.Load(_dir.Path));
        Assert.Contains("not found", e.Message);
    }
}
