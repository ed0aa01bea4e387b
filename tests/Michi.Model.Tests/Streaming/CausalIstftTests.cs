// Causal iSTFT head: unit gain on a steady spectrum, streaming == offline, causality.
using Michi.Model.Streaming;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Tests.Streaming;

public sealed class CausalIstftTests
{
    [Theory]
    [InlineData(16, 4, 4)]
    [InlineData(240, 60, 8)]
    [InlineData(32, 16, 2)]
    public void SteadySpectrumGivesItsSinusoidAtUnitGain(long nFft, long hop, long bin)
    {
        // A bin whose period divides the hop keeps its phase from frame to frame, so the
        // overlap-added frames form one continuous cosine of amplitude 2·M / n_fft.
        using var istft = new CausalIstft(nFft, hop);
        const int frames = 20;
        const double magnitude = 3.0;
        using var scope = torch.NewDisposeScope();
        var spec = torch.full(1, istft.InputChannels, frames, -30.0);             // log-magnitudes ≈ 0
        spec[0, bin] = torch.full(frames, Math.Log(magnitude));
        spec.narrow(1, istft.Bins, istft.Bins).zero_();                           // phases 0
        var y = istft.call(spec)[0];                                              // (frames·hop)
        var n = torch.arange(frames * hop, dtype: ScalarType.Float64);
        var expected = (n * (2 * Math.PI * bin / nFft)).cos() * (2 * magnitude / nFft);
        long settled = nFft - hop;                                                // the fade-in
        var diff = (y.to(ScalarType.Float64) - expected).narrow(0, settled, frames * hop - settled).abs().max().item<double>();
        Assert.True(diff < 1e-5, $"max deviation {diff}");
    }

    [Fact]
    public void StreamingMatchesOffline()
    {
        using var istft = new CausalIstft(48, 12);
        using var spec = torch.randn(2, istft.InputChannels, 23, generator: new Generator(1));
        StreamingCheck.StreamingMatchesOffline(istft, t => istft.call(t), spec, inDim: 2, outDim: 1, maxChunk: 4);
    }

    [Fact]
    public void IsCausal()
    {
        using var istft = new CausalIstft(48, 12);
        using var spec = torch.randn(2, istft.InputChannels, 16, generator: new Generator(2));
        StreamingCheck.IsCausal(t => istft.call(t), spec, inDim: 2, outDim: 1, cut: 7);
    }

    [Fact]
    public void RejectsHopsThatDoNotTile()
    {
        Assert.Throws<ArgumentException>(() => new CausalIstft(48, 10));
        Assert.Throws<ArgumentException>(() => new CausalIstft(48, 48));
        Assert.Throws<ArgumentException>(() => new CausalIstft(47, 1));
    }
}
