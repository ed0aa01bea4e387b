// Per-frame streaming step times of a codec preset with random weights: what a live session
// pays every 80 ms. Each step feeds one frame (frame_length samples to the encoder, one
// latent to the vocoder) through an existing state, in eval mode with gradients off, inside
// its own DisposeScope, exactly as a session would. LibTorch runs on `threads` intra-op
// threads during the measurement (1 by default: on this 2-core shared machine a second
// thread made single-frame convolutions up to 50× slower through contention; a session
// also has other work for the second core), restored afterwards.
using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Codec;

/// <summary>Milliseconds per 80 ms frame: wall-clock median and mean over the timed frames,
/// and the process CPU time per frame (mean), which a busy machine inflates far less than
/// wall time (on a shared machine the step also waits for a core).</summary>
public sealed record CodecBenchmarkResult(
    double EncoderMedianMs, double EncoderMeanMs, double EncoderCpuMs,
    double VocoderMedianMs, double VocoderMeanMs, double VocoderCpuMs,
    int Frames, int Threads, long EncoderParameters, long VocoderParameters, double FrameMs);

public static class CodecBenchmark
{
    public static CodecBenchmarkResult Run(CodecConfig config, int frames = 100, int warmup = 10, int threads = 1, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfLessThan(frames, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        int previousThreads = torch.get_num_threads();
        torch.set_num_threads(threads);
        try
        {
            torch.manual_seed(seed);
            using var codec = new AudioCodec(config);
            codec.eval();
            using var _ = torch.no_grad();
            var generator = new Generator((ulong)seed);
            using var audio = (torch.rand(1, (long)(frames + warmup) * config.FrameLength, generator: generator) - 0.5) * 0.2;
            using var latents = torch.randn(1, frames + warmup, config.LatentDim, generator: generator);

            using var encoderState = codec.Encoder.CreateState(1);
            var encoder = TimeSteps(frames, warmup, i =>
            {
                using var chunk = audio.narrow(1, (long)i * config.FrameLength, config.FrameLength);
                codec.Encoder.Step(chunk, encoderState);
            });
            using var vocoderState = codec.Vocoder.CreateState(1);
            var vocoder = TimeSteps(frames, warmup, i =>
            {
                using var frame = latents.narrow(1, i, 1);
                codec.Vocoder.Step(frame, vocoderState);
            });
            return new CodecBenchmarkResult(
                Median(encoder.Wall), encoder.Wall.Average(), encoder.CpuMs,
                Median(vocoder.Wall), vocoder.Wall.Average(), vocoder.CpuMs, frames,
                threads, AudioCodec.CountParameters(codec.Encoder), AudioCodec.CountParameters(codec.Vocoder),
                1000.0 * config.FrameLength / config.SampleRate);
        }
        finally
        {
            torch.set_num_threads(previousThreads);
        }
    }

    private static (double[] Wall, double CpuMs) TimeSteps(int frames, int warmup, Action<int> step)
    {
        var times = new double[frames];
        using var process = Process.GetCurrentProcess();
        TimeSpan cpuStart = TimeSpan.Zero;
        for (int i = 0; i < frames + warmup; i++)
        {
            if (i == warmup)
            {
                process.Refresh();
                cpuStart = process.TotalProcessorTime;
            }
            long start = Stopwatch.GetTimestamp();
            using (torch.NewDisposeScope()) step(i);
            if (i >= warmup) times[i - warmup] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        process.Refresh();
        return (times, (process.TotalProcessorTime - cpuStart).TotalMilliseconds / frames);
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
