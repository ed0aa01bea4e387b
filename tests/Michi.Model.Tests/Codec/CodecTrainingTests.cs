// A tiny codec learns: 50 AdamW steps on sums of sines with a log-STFT-magnitude L1 loss (+ a
// small KL term on the VAE latents) make the loss fall clearly. Seconds on one CPU core.
using Michi.Model.Codec;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Tests.Codec;

public sealed class CodecTrainingTests
{
    private static Tensor LogMagnitude(Tensor x, Tensor window) // (B, N) → (B, bins, frames)
    {
        using var spec = torch.stft(x, 512, 128, window: window, center: true, return_complex: true);
        using var magnitude = spec.abs();
        using var floored = magnitude.clamp_min(1e-5);
        return floored.log();
    }

    private static Tensor SumsOfSines(int batch, int samples, int sampleRate, Generator generator)
    {
        using var t = torch.arange(samples, dtype: ScalarType.Float32).div_(sampleRate).unsqueeze(0); // (1, N)
        var signal = torch.zeros(batch, samples);
        for (int k = 0; k < 3; k++)
        {
            using var frequency = torch.rand(batch, 1, generator: generator) * 1500 + 100;             // (B, 1) Hz
            using var phase = torch.rand(batch, 1, generator: generator) * (2 * Math.PI);
            using var wave = (t * frequency * (2 * Math.PI) + phase).sin_().mul_(0.2);
            signal.add_(wave);
        }
        return signal;
    }

    [Fact]
    public void LossFallsOverFiftySteps()
    {
        // One intra-op thread: on this shared 2-core machine LibTorch's default two threads made
        // these small steps ≈ 5× slower (85 → 400 ms) whenever the other core was busy.
        int threads = torch.get_num_threads();
        torch.set_num_threads(1);
        try
        {
            Train();
        }
        finally
        {
            torch.set_num_threads(threads);
        }
    }

    private static void Train()
    {
        var config = CodecConfig.Tiny;
        torch.manual_seed(1234);
        using var codec = new AudioCodec(config);
        codec.train();
        var generator = new Generator(42);
        using var audio = SumsOfSines(2, 3 * config.FrameLength, config.SampleRate, generator);
        using var window = torch.hann_window(512);
        using var target = LogMagnitude(audio, window);
        using var optimizer = torch.optim.AdamW(codec.parameters(), lr: 3e-3, beta1: 0.8, beta2: 0.99);

        var losses = new List<double>();
        for (int step = 0; step < 50; step++)
        {
            using var scope = torch.NewDisposeScope();
            optimizer.zero_grad();
            var (mean, logVar) = codec.Encoder.Posterior(audio);
            var z = LatentPosterior.Sample(mean, logVar, generator);
            var reconstruction = codec.Vocoder.call(z);
            var spectral = (LogMagnitude(reconstruction, window) - target).abs().mean();
            var loss = spectral + 1e-3 * LatentPosterior.KlDivergence(mean, logVar);
            loss.backward();
            optimizer.step();
            losses.Add(spectral.item<float>());
        }
        double first = losses.Take(5).Average(), last = losses.TakeLast(5).Average();
        Assert.All(losses, l => Assert.True(double.IsFinite(l)));
        Assert.True(last < 0.8 * first, $"spectral L1 went {first:F3} → {last:F3}: [{string.Join(", ", losses.Select(l => l.ToString("F2")))}]");
    }
}
