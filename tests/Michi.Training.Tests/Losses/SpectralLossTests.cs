using Michi.Audio;
using Michi.Training.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Training.Tests.Losses;

public class SpectralLossTests
{
    private static Tensor Signal() => TestSignals.Batch(TestSignals.Noise(6000, 1), TestSignals.Chirp(6000, 100, 5000));

    [Fact]
    public void IdenticalInputsGiveZero()
    {
        using var loss = new MultiResolutionSpectralLoss(24000);
        using var x = Signal();
        using var terms = loss.Compute(x, x);
        Assert.Equal(0, terms.Mel.item<float>(), 6);
        Assert.Equal(0, terms.Convergence.item<float>(), 6);
        Assert.Equal(0, terms.LogMagnitude.item<float>(), 6);
    }

    [Fact]
    public void DoublingTheAmplitudeCostsLogTwo()
    {
        // |STFT| and mel energies are linear in amplitude: log terms differ by exactly ln 2 and
        // ‖S − 2S‖ / ‖S‖ = 1 (up to the magnitude epsilon and the mel floor, negligible here).
        using var loss = new MultiResolutionSpectralLoss(24000);
        using var x = TestSignals.Batch(TestSignals.Noise(6000, 2));
        using var doubled = x * 2;
        using var terms = loss.Compute(doubled, x);
        Assert.Equal(Math.Log(2), terms.Mel.item<float>(), 3);
        Assert.Equal(Math.Log(2), terms.LogMagnitude.item<float>(), 3);
        Assert.Equal(1.0, terms.Convergence.item<float>(), 3);
    }

    [Fact]
    public void LossGrowsWithTheDistortion()
    {
        using var loss = new MultiResolutionSpectralLoss(24000);
        using var x = Signal();
        using var near = x * 1.1;
        using var far = x * 1.5;
        using var a = loss.MelDistance(near, x);
        using var b = loss.MelDistance(far, x);
        Assert.True(a.item<float>() > 0.01f);
        Assert.True(b.item<float>() > 2 * a.item<float>());
    }

    [Fact]
    public void TorchLogMelMatchesTheManagedReference()
    {
        // SpectralLosses (torch.stft + MelFilterbank matrix) against Michi.Audio.LogMel, same settings.
        var resolution = new SpectralResolution(1024, 256, 80);
        float[] samples = TestSignals.Chirp(8000, 200, 9000);
        float[,] expected = LogMel.Compute(samples, new MelConfig());
        using var x = TestSignals.Batch(samples);
        using var window = torch.hann_window(1024);
        using var mel = MultiResolutionSpectralLoss.MelMatrix(24000, resolution);
        using var magnitude = SpectralLosses.Magnitude(x, 1024, 256, window);
        using var logMel = SpectralLosses.LogMel(magnitude, mel);            // (1, 80, frames)
        Assert.Equal(new long[] { 1, 80, expected.GetLength(0) }, logMel.shape);
        using var actual = logMel[0].transpose(0, 1).contiguous();            // (frames, 80)
        float[] got = actual.data<float>().ToArray();
        double worst = 0, sum = 0;
        for (int t = 0; t < expected.GetLength(0); t++)
            for (int m = 0; m < 80; m++)
            {
                double d = Math.Abs(got[t * 80 + m] - expected[t, m]);
                worst = Math.Max(worst, d);
                sum += d;
            }
        // float32 STFT against a float64 one: log differences stay tiny except in near-silent bands.
        double mean = sum / expected.Length;
        Assert.True(mean < 1e-4 && worst < 1e-2, $"mean |Δ log-mel| = {mean}, max {worst}");
    }

    [Fact]
    public void GradientsFlowAndStayFiniteOnSilence()
    {
        using var loss = new MultiResolutionSpectralLoss(24000);
        using var target = Signal();
        // Digital silence has exactly zero STFT bins: the plain modulus would give NaN gradients.
        float[] half = new float[6000];
        TestSignals.Noise(3000, 5).CopyTo(half, 3000);
        using var pred = TestSignals.Batch(new float[6000], half).requires_grad_();
        using var terms = loss.Compute(pred, target);
        using var total = terms.Mel + terms.Convergence + terms.LogMagnitude;
        total.backward();
        using var grad = pred.grad!;
        Assert.True(torch.isfinite(grad).all().item<bool>());
        Assert.True(grad.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void MismatchedShapesAreRefused()
    {
        using var loss = new MultiResolutionSpectralLoss(24000);
        using var a = torch.zeros(1, 4000);
        using var b = torch.zeros(1, 4001);
        Assert.Throws<ArgumentException>(() => loss.Compute(a, b));
        Assert.Throws<ArgumentException>(() => new MultiResolutionSpectralLoss(24000, [new SpectralResolution(1000, 250, 80)]));
    }

    [Fact]
    public void MagnitudeEqualsTheViewAsRealSumOfSquares()
    {
        // Magnitude sums re² + im² as two squares and an add (fast on the CPU); the textbook
        // view_as_real(spec).square().sum(-1) must give the same floats and the same gradient.
        using var window = torch.hann_window(512);
        using var x = Signal().requires_grad_(true);
        using var fast = SpectralLosses.Magnitude(x, 512, 128, window);
        using var spec = torch.stft(x, 512, 128, 512, window, center: true, return_complex: true);
        using var reference = (torch.view_as_real(spec).square().sum(-1) + SpectralLosses.MagnitudeEpsilon).sqrt();
        Assert.Equal(0f, (fast - reference).abs().max().item<float>());
        using var gFast = torch.autograd.grad([fast.log().mean()], [x])[0];
        using var gReference = torch.autograd.grad([reference.log().mean()], [x])[0];
        Assert.True(gFast.abs().max().item<float>() > 0);
        Assert.Equal(0f, (gFast - gReference).abs().max().item<float>());
    }
}
