// Listen encoder and vocoder (tiny preset): shapes, no look-ahead, and streaming == offline
// for random chunkings and for one frame per step.
using Michi.Model.Codec;
using Michi.Model.Tests.Streaming;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Tests.Codec;

public sealed class CodecStreamingTests
{
    private static readonly CodecConfig Tiny = CodecConfig.Tiny;
    private static int Frame => Tiny.FrameLength;

    /// <summary>Tiny with a plain HiFi-GAN waveform head (rates multiply to the frame).</summary>
    private static readonly CodecConfig TinyWaveform = Tiny with
    {
        Vocoder = Tiny.Vocoder with { UpsampleRates = [8, 6, 5, 8], UpsampleKernelSizes = [16, 12, 10, 16], IstftNFft = 0 },
    };

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1919, 0)]
    [InlineData(1920, 1)]
    [InlineData(3 * 1920 + 700, 3)]
    public void EncoderGivesOneLatentPerCompleteFrame(int samples, int latents)
    {
        using var encoder = new ListenEncoder(Tiny);
        using var x = torch.randn(2, samples, generator: new Generator(1));
        using var _ = torch.no_grad();
        using var z = encoder.call(x);
        Assert.Equal(new long[] { 2, latents, Tiny.LatentDim }, z.shape);
    }

    [Fact]
    public void EncoderStreamingMatchesOffline()
    {
        using var encoder = new ListenEncoder(Tiny);
        using var x = torch.randn(2, 3 * Frame + 777, generator: new Generator(2)) * 0.3;
        StreamingCheck.StreamingMatchesOffline(encoder, t => encoder.call(t), x, inDim: 1, outDim: 1, maxChunk: 701, stepSize: Frame);
    }

    [Fact]
    public void EncoderYieldsEachLatentInTheStepThatCompletesItsFrame()
    {
        using var encoder = new ListenEncoder(Tiny);
        using var x = torch.randn(1, 4 * Frame, generator: new Generator(3));
        using var _ = torch.no_grad();
        using var offline = encoder.call(x);
        using var state = encoder.CreateState(1);
        for (int f = 0; f < 4; f++)
        {
            using var chunk = x.narrow(1, (long)f * Frame, Frame);
            using var z = encoder.Step(chunk, state);
            Assert.Equal(new long[] { 1, 1, Tiny.LatentDim }, z.shape);
            using var expected = offline.narrow(1, f, 1);
            Assert.True(z.allclose(expected, rtol: 1e-5, atol: 1e-5));
        }
    }

    [Fact]
    public void EncoderIsCausal()
    {
        using var encoder = new ListenEncoder(Tiny);
        using var x = torch.randn(1, 4 * Frame, generator: new Generator(4));
        StreamingCheck.IsCausal(t => encoder.call(t), x, inDim: 1, outDim: 1, cut: 2 * Frame + 100);
    }

    [Fact]
    public void PosteriorMeanIsTheStreamedLatentAndLogVarianceIsClamped()
    {
        using var encoder = new ListenEncoder(Tiny);
        using var x = torch.randn(1, 2 * Frame, generator: new Generator(5));
        using var _ = torch.no_grad();
        var (mean, logVar) = encoder.Posterior(x);
        using (mean)
        using (logVar)
        using (var latents = encoder.call(x))
        {
            Assert.True(StreamingCheck.Identical(mean, latents));
            Assert.Equal(mean.shape, logVar.shape);
            Assert.True(logVar.max().item<float>() <= LatentPosterior.LogVarMax);
            Assert.True(logVar.min().item<float>() >= LatentPosterior.LogVarMin);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void VocoderGivesOneFrameOfSamplesPerLatent(bool waveformHead)
    {
        using var vocoder = new Vocoder(waveformHead ? TinyWaveform : Tiny);
        using var z = torch.randn(2, 3, Tiny.LatentDim, generator: new Generator(6));
        using var _ = torch.no_grad();
        using var y = vocoder.call(z);
        Assert.Equal(new long[] { 2, 3 * Frame }, y.shape);
        using var empty = torch.zeros(2, 0, Tiny.LatentDim);
        using var none = vocoder.call(empty);
        Assert.Equal(new long[] { 2, 0 }, none.shape);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void VocoderStreamingMatchesOffline(bool waveformHead)
    {
        using var vocoder = new Vocoder(waveformHead ? TinyWaveform : Tiny);
        using var z = torch.randn(2, 7, Tiny.LatentDim, generator: new Generator(7));
        StreamingCheck.StreamingMatchesOffline(vocoder, t => vocoder.call(t), z, inDim: 1, outDim: 1, maxChunk: 3, stepSize: 1);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void VocoderIsCausal(bool waveformHead)
    {
        using var vocoder = new Vocoder(waveformHead ? TinyWaveform : Tiny);
        using var z = torch.randn(1, 6, Tiny.LatentDim, generator: new Generator(8));
        StreamingCheck.IsCausal(t => vocoder.call(t), z, inDim: 1, outDim: 1, cut: 3);
    }

    [Fact]
    public void VocoderRejectsTheWrongLatentSize()
    {
        using var vocoder = new Vocoder(Tiny);
        using var z = torch.randn(1, 2, Tiny.LatentDim + 1);
        var e = Assert.Throws<ArgumentException>(() => vocoder.call(z));
        Assert.Contains($"{Tiny.LatentDim}", e.Message);
    }

    [Fact]
    public void StateResetRestartsTheStream()
    {
        using var vocoder = new Vocoder(Tiny);
        using var z = torch.randn(1, 2, Tiny.LatentDim, generator: new Generator(9));
        using var _ = torch.no_grad();
        using var state = vocoder.CreateState(1);
        using var first = vocoder.Step(z, state);
        using var carried = vocoder.Step(z, state);
        state.Reset();
        using var again = vocoder.Step(z, state);
        Assert.True(StreamingCheck.Identical(first, again));
        Assert.False(StreamingCheck.Identical(first, carried));
    }
}
