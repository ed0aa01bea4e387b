// Time to first audio (DESIGN.md §6) and per-frame cost of SpeechGenerator, measured the way a
// caller sees them: each run is a fresh forced-text request (a prompt of token ids), timed from
// the GenerateAsync call to each chunk's arrival; the run stops after FramesPerRun frames.
//   first audible  the first chunk whose RMS exceeds AudibleDbfs (−40 dBFS by default);
//   first chunk    the first chunk at all (≈ prefill + one frame), reported too because with
//                  random weights the vocoder's output may never be audible;
//   step           per generated frame after the first (which the prefill pass predicts): backbone
//                  pass, text head (+ sampling), speak head (Euler steps), vocoder, and total =
//                  the interval between consecutive chunks (the generator overlaps a frame's
//                  vocoder step with the next frame's other parts, so the parts add up to more);
//   RTF            step total / frame length (< 1: faster than real time);
//   CPU per frame  process CPU time over the timed runs / frames they generated (prefill
//                  included): what a busy machine inflates far less than wall-clock times.
// Figures are medians over the timed runs (steps: over every timed frame), after warm-up runs.
using System.Diagnostics;

namespace Michi.Runtime.Speech;

public sealed record SpeechLatencyOptions
{
    public int Runs { get; init; } = 20;
    public int WarmupRuns { get; init; } = 2;
    public int FramesPerRun { get; init; } = 12;
    public double AudibleDbfs { get; init; } = AudioLevel.AudibleDbfs;
    public long Seed { get; init; } = 1;

    /// <summary>Generation options of each run (seed replaced per run).</summary>
    public SpeechOptions Speech { get; init; } = new();
}

/// <param name="FirstAudibleMs">Median time to the first audible chunk; null unless every timed run had one.</param>
/// <param name="AudibleRuns">Timed runs in which some chunk was audible.</param>
/// <param name="LoudestDbfs">The loudest chunk of all timed runs.</param>
public sealed record SpeechLatencyResult(
    int Runs, int FramesPerRun, int PromptTokens, double AudibleDbfs,
    double? FirstAudibleMs, int AudibleRuns, double FirstChunkMs, double LoudestDbfs,
    FrameTiming Step, int StepSamples, double FrameMs, double CpuMsPerFrame)
{
    /// <summary>Real-time factor of the frame step: compute time per second of audio.</summary>
    public double Rtf => Step.TotalMs / FrameMs;
}

public static class SpeechLatencyBenchmark
{
    public static async Task<SpeechLatencyResult> RunAsync(SpeechGenerator generator, int[] prompt, SpeechLatencyOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Runs, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.WarmupRuns);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.FramesPerRun, 2);

        var firstAudible = new List<double>();
        var firstChunk = new List<double>();
        var steps = new List<FrameTiming>();
        double loudest = AudioLevel.SilenceFloorDbfs;
        var request = new SpeechRequest { TextTokens = prompt };
        var process = Process.GetCurrentProcess();
        TimeSpan cpu = TimeSpan.Zero;
        int timedFrames = 0;
        for (int run = 0; run < options.WarmupRuns + options.Runs; run++)
        {
            bool timed = run >= options.WarmupRuns;
            var speech = options.Speech with { Seed = options.Seed + run };
            double? audibleAt = null, chunkAt = null;
            int frames = 0;
            process.Refresh();
            var cpuStart = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await foreach (var e in generator.GenerateAsync(request, speech, cancellationToken).ConfigureAwait(false))
            {
                if (e is not SpeechAudioChunk chunk) continue;
                double at = clock.Elapsed.TotalMilliseconds;
                chunkAt ??= at;
                double level = AudioLevel.RmsDbfs(chunk.Samples);
                if (audibleAt is null && level > options.AudibleDbfs) audibleAt = at;
                if (timed)
                {
                    loudest = Math.Max(loudest, level);
                    if (chunk.Frame > 0) steps.Add(chunk.Timing);
                }
                if (++frames == options.FramesPerRun) break;
            }
            process.Refresh();
            if (timed)
            {
                cpu += process.TotalProcessorTime - cpuStart;
                timedFrames += frames;
            }
            if (!timed || chunkAt is null) continue;
            firstChunk.Add(chunkAt.Value);
            if (audibleAt is { } a) firstAudible.Add(a);
        }
        if (firstChunk.Count == 0) throw new InvalidOperationException("no run produced audio");
        var step = new FrameTiming(
            Median(steps.Select(s => s.BackboneMs)), Median(steps.Select(s => s.TextHeadMs)), Median(steps.Select(s => s.SpeakHeadMs)),
            Median(steps.Select(s => s.VocoderMs)), Median(steps.Select(s => s.TotalMs)));
        return new SpeechLatencyResult(options.Runs, options.FramesPerRun, prompt.Length, options.AudibleDbfs,
            firstAudible.Count == options.Runs ? Median(firstAudible) : null, firstAudible.Count, Median(firstChunk), loudest,
            step, steps.Count, generator.Model.Info.FrameSeconds * 1000, cpu.TotalMilliseconds / Math.Max(1, timedFrames));
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
