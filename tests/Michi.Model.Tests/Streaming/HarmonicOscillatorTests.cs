// HarmonicOscillator: the exact sine it should make, no phase drift over long streams,
// streaming == offline for any chunking, no look-ahead, harmonics above Nyquist silenced.
using Michi.Model.Streaming;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Tests.Streaming;

public sealed class HarmonicOscillatorTests
{
    private const int Rate = 24000, Hop = 240;

    /// <summary>Wraps the oscillator as a streaming layer over (B, F, 1 + K) control points.</summary>
    private sealed class Layer(HarmonicOscillator oscillator) : IStreamingModule<HarmonicState>
    {
        public HarmonicState CreateState(long batchSize) => oscillator.CreateState(batchSize, ScalarType.Float32, torch.CPU);

        public Tensor Step(Tensor x, HarmonicState state) =>
            oscillator.Step(x.select(2, 0), x.narrow(2, 1, x.shape[2] - 1), state);

        public Tensor Offline(Tensor x)
        {
            using var state = CreateState(x.shape[0]);
            return Step(x, state);
        }
    }

    private static Tensor Controls(long batch, long frames, int harmonics, int seed)
    {
        var g = new Generator((ulong)seed);
        var f0 = torch.rand(batch, frames, 1, generator: g) * 300 + 80;          // (B, F, 1) Hz
        var amps = torch.rand(batch, frames, harmonics, generator: g) * 0.1;     // (B, F, K)
        return torch.cat([f0, amps], 2);
    }

    [Fact]
    public void ConstantPitchIsAnExactSineAfterTheFadeIn()
    {
        using var osc = new HarmonicOscillator(harmonics: 3, hop: Hop, sampleRate: Rate);
        using var f0 = torch.full([1, 20], 200f);
        using var amps = torch.tensor(new float[] { 0.5f, 0, 0 }).view(1, 1, 3).expand(1, 20, 3).contiguous();
        using var state = osc.CreateState(1, ScalarType.Float32, torch.CPU);
        using var _ = torch.no_grad();
        using var y = osc.Step(f0, amps, state);
        var samples = y.squeeze(0).data<float>().ToArray();
        Assert.Equal(20 * Hop, samples.Length);
        double worst = 0;
        for (int n = Hop; n < samples.Length; n++)   // sample n is the (n+1)-th phase increment
            worst = Math.Max(worst, Math.Abs(samples[n] - 0.5 * Math.Sin(2 * Math.PI * 200.0 * (n + 1) / Rate)));
        Assert.True(worst < 1e-4, $"max error {worst}");
        Assert.True(Math.Abs(samples[0]) < 0.01, "the first segment fades in from zero amplitude");
    }

    [Fact]
    public void NoPhaseDriftOverAMinuteWhenStreamedOneHopAtATime()
    {
        using var osc = new HarmonicOscillator(harmonics: 40, hop: Hop, sampleRate: Rate);
        var layer = new Layer(osc);
        long frames = 60 * Rate / Hop;
        using var x = Controls(1, frames, 40, seed: 1);
        StreamingCheck.StreamingMatchesOffline(layer, layer.Offline, x, inDim: 1, outDim: 1, maxChunk: 97, stepSize: 1);
    }

    [Fact]
    public void StreamingMatchesOfflineForAnyChunking()
    {
        using var osc = new HarmonicOscillator(harmonics: 8, hop: Hop, sampleRate: Rate);
        var layer = new Layer(osc);
        using var x = Controls(2, 37, 8, seed: 2);
        StreamingCheck.StreamingMatchesOffline(layer, layer.Offline, x, inDim: 1, outDim: 1, maxChunk: 5, stepSize: 8);
    }

    [Fact]
    public void IsCausal()
    {
        using var osc = new HarmonicOscillator(harmonics: 8, hop: Hop, sampleRate: Rate);
        var layer = new Layer(osc);
        using var x = Controls(1, 12, 8, seed: 3);
        StreamingCheck.IsCausal(layer.Offline, x, inDim: 1, outDim: 1, cut: 5);
    }

    [Fact]
    public void HarmonicsAboveNyquistAreSilent()
    {
        using var osc = new HarmonicOscillator(harmonics: 4, hop: Hop, sampleRate: Rate);
        using var f0 = torch.full([1, 4], 5000f);                              // harmonics 15 and 20 kHz > 12 kHz
        using var upper = torch.tensor(new float[] { 0, 0, 1, 1 }).view(1, 1, 4).expand(1, 4, 4).contiguous();
        using var state = osc.CreateState(1, ScalarType.Float32, torch.CPU);
        using var _ = torch.no_grad();
        using var y = osc.Step(f0, upper, state);
        Assert.True(y.abs().max().item<float>() < 1e-6);
    }

    [Fact]
    public void AmplitudeGradientsFlowButPitchHasNone()
    {
        using var osc = new HarmonicOscillator(harmonics: 4, hop: Hop, sampleRate: Rate);
        using var f0 = torch.full([1, 3], 150f).requires_grad_(true);
        using var amps = torch.full([1, 3, 4], 0.1f).requires_grad_(true);
        using var state = osc.CreateState(1, ScalarType.Float32, torch.CPU);
        using var y = osc.Step(f0, amps, state);
        using var loss = y.pow(2).sum();
        loss.backward();
        Assert.NotNull(amps.grad);
        Assert.True(amps.grad!.abs().sum().item<float>() > 0);
        Assert.True(f0.grad is null || f0.grad.abs().sum().item<float>() == 0);
    }
}
