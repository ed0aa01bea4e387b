// What `michi say` and `michi continue` share: the model options (default models/demo, dtype,
// threads), loading, running a generation while timing it as a caller would (first chunk, first
// audible chunk, frame steps, real-time factor), writing the WAV atomically, and the report
// (text with per-word times and timing figures, as text or --json).
using System.CommandLine;
using System.Diagnostics;
using Michi.Audio;
using Michi.Cli.Infrastructure;
using Michi.Model.Kernels;
using Michi.Runtime;
using Michi.Runtime.Speech;

namespace Michi.Cli.Commands;

internal static class SpeechCli
{
    public const string DefaultModel = "models/demo";

    public static Option<string> Model() => new("--model")
    {
        Description = $"Speech model directory (config.json, backbone/, heads.safetensors, codec/). Default: {DefaultModel}.",
        DefaultValueFactory = _ => DefaultModel,
    };

    public static Option<int?> Threads(string description = "LibTorch intra-op threads and kernel threads (default: one per core).") =>
        new("--threads") { Description = description };

    public static Option<long?> Seed() => new("--seed") { Description = "Random seed (text sampling and flow noise); default: a fresh one, printed." };

    public static Option<int?> FlowSteps() => new("--flow-steps") { Description = "Euler steps of the speak head (default: the model's, ≤ 4)." };

    /// <summary>Applies --threads (LibTorch and the kernels' pool); null = defaults.</summary>
    public static SpeechModelOptions ModelOptions(int? threads, SpeechModelOptions? baseOptions = null)
    {
        var options = baseOptions ?? new SpeechModelOptions();
        if (threads is not { } t) return options;
        if (t is < 1 or > 1024) throw new InvalidInputException($"--threads must be between 1 and 1024 (got {t})");
        TorchSharp.torch.set_num_threads(t);
        return options with { Pool = new ComputePool(t), TorchThreads = t };
    }

    public static async Task<SpeechModel> LoadAsync(string directory, string dtype, int? threads, CancellationToken ct,
        SpeechModelOptions? baseOptions = null, string missingHint = "pass --model")
    {
        if (directory == DefaultModel) directory = ResolveDefaultModel(missingHint);
        var options = ModelOptions(threads, baseOptions);
        return await SpeechModel.LoadAsync(directory, CommonOptions.ToScalarType(dtype), options: options, cancellationToken: ct);
    }

    /// <summary>models/demo in the working folder, else in the repository the `./michi` launcher
    /// runs from (it exports MICHI_HOME), so the default works from any folder.</summary>
    public static string ResolveDefaultModel(string missingHint = "pass --model")
    {
        if (Directory.Exists(DefaultModel)) return DefaultModel;
        if (Environment.GetEnvironmentVariable("MICHI_HOME") is { Length: > 0 } home && Directory.Exists(Path.Combine(home, DefaultModel)))
            return Path.Combine(home, DefaultModel);
        throw new InvalidInputException($"no model at {DefaultModel}; {missingHint}");
    }

    public static VoicePrompt ReadVoice(string path, string? transcript)
    {
        var (samples, rate) = WavFile.ReadMono(path);
        return new VoicePrompt(samples, rate, transcript, Source: path);
    }

    private const long GenerationGcBudgetBytes = 512L << 20;

    public sealed record Timed(SpeechResult Result, double? FirstAudibleMs, double FirstChunkMs, double StepMs, double WallMs)
    {
        public double Rtf => Result.Seconds > 0 ? WallMs / 1000 / Result.Seconds : double.NaN;
    }

    /// <summary>Runs the stream, timing each chunk's arrival from the call.</summary>
    public static async Task<Timed> GenerateAsync(SpeechGenerator generator, SpeechRequest request, SpeechOptions options, CancellationToken ct)
    {
        // No garbage collection during the generation: the vocoder's LibTorch calls (on their own
        // thread) take TorchSharp temporaries that a collection could free mid-call (GcPause.cs).
        // A generation allocates a few MB of managed memory, well inside the budget; the pause's
        // own collection happens here, before the clock starts.
        using var pause = Michi.Model.GcPause.Start(GenerationGcBudgetBytes);
        var clock = Stopwatch.StartNew();
        double? firstChunk = null, firstAudible = null;
        async IAsyncEnumerable<SpeechEvent> Watch()
        {
            await foreach (var e in generator.GenerateAsync(request, options, ct))
            {
                if (e is SpeechAudioChunk chunk)
                {
                    double at = clock.Elapsed.TotalMilliseconds;
                    firstChunk ??= at;
                    if (firstAudible is null && AudioLevel.IsAudible(chunk.Samples)) firstAudible = at;
                }
                yield return e;
            }
        }
        var result = await SpeechResult.CollectAsync(Watch(), generator.Model.Info);
        double wall = clock.Elapsed.TotalMilliseconds;
        double step = SpeechLatencyBenchmark.Median(result.Chunks.Skip(1).Select(c => c.Timing.TotalMs));
        return new Timed(result, firstAudible, firstChunk ?? double.NaN, step, wall);
    }

    /// <summary>16-bit PCM, written atomically; the writer clips (the iSTFT vocoder head is not bounded).</summary>
    public static void WriteWav(string path, float[] samples, int sampleRate) => WavFile.Write(path, samples, sampleRate);

    public static void Report(ParseResult parse, bool json, Timed timed, string outPath)
    {
        var r = timed.Result;
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error ?? Console.Error;
        if (r.End.PromptTokensLeft > 0)
            error.WriteLine($"michi: warning: the time limit cut the text short ({r.End.PromptTokensLeft} tokens unsaid)");
        bool audible = timed.FirstAudibleMs is not null;
        if (json)
        {
            JsonOutput.Write(output, new
            {
                text = r.Text,
                words = r.Words.Select(w => new { word = w.Text, start_s = Math.Round(w.Seconds, 3), frame = w.Frame }),
                @out = outPath,
                seconds = Math.Round(r.Seconds, 3),
                frames = r.Chunks.Count,
                stop_reason = StopReasonName(r.End.Reason),
                prompt_tokens_left = r.End.PromptTokensLeft,
                seed = r.End.Seed,
                ttfa_ms = Math.Round(timed.FirstAudibleMs ?? timed.FirstChunkMs, 2),
                ttfa_basis = audible ? "first_audible_chunk" : "first_chunk",   // no chunk above -40 dBFS: time to the first chunk
                first_chunk_ms = Math.Round(timed.FirstChunkMs, 2),
                step_ms = double.IsNaN(timed.StepMs) ? (double?)null : Math.Round(timed.StepMs, 2),
                rtf = Math.Round(timed.Rtf, 3),
                wall_ms = Math.Round(timed.WallMs, 1),
            });
            return;
        }
        output.WriteLine($"text:    {r.Text}");
        output.WriteLine($"words:   {string.Join(" ", r.Words.Select(w => $"{w.Text}@{w.Seconds:0.00}s"))}");
        output.WriteLine($"audio:   {outPath} ({r.Seconds:0.00} s, {r.Chunks.Count} frames, {StopReasonName(r.End.Reason)}, seed {r.End.Seed})");
        output.WriteLine(audible
            ? $"timing:  first audible chunk {timed.FirstAudibleMs:0} ms (first chunk {timed.FirstChunkMs:0} ms), step {timed.StepMs:0.0} ms/frame, RTF {timed.Rtf:0.00}"
            : $"timing:  first chunk {timed.FirstChunkMs:0} ms (no chunk above {AudioLevel.AudibleDbfs} dBFS), step {timed.StepMs:0.0} ms/frame, RTF {timed.Rtf:0.00}");
    }

    public static string StopReasonName(SpeechStopReason reason) => reason switch
    {
        SpeechStopReason.EndOfTurn => "end_of_turn",
        SpeechStopReason.Completed => "completed",
        _ => "max_length",
    };

    /// <summary>Refuses a numeric option outside [min, max] (nullable options have no InRange).</summary>
    public static void Check(double? value, double min, double max, string name)
    {
        if (value is { } v && !(v >= min && v <= max)) throw new InvalidInputException($"{name} must be between {min} and {max} (got {v})");
    }
}
