// Writes a synthetic speech corpus: for utterance i (planned by SynthesisPlan), OUT/NAME.wav
// (24 kHz mono, 16-bit) and then OUT/NAME.json (UtteranceRecord), both atomically. An utterance
// whose JSON matches its plan and whose WAV has the recorded length is complete and skipped, so
// a killed run resumes where it stopped and a finished one is a no-op.
// Length: with Hours, utterances 0, 1, 2, … are made until the first K of them reach the target
// (K is a pure function of the seed and text; utterances that were in flight past K are kept).
// Without, one pass over the lines. Workers take the next index from a shared counter; each
// utterance's content depends only on its plan, never on scheduling.
// A failing utterance (an engine error) is reported and skipped; a run where nothing but failures
// happen stops instead of spinning.
using Michi.Audio;
using Michi.Data.Synthesis;

namespace Michi.Data.Corpus;

public sealed record SynthesisRequest(
    IReadOnlyList<string> Lines,
    IReadOnlyList<EngineVoice> Voices,
    string OutputDirectory,
    double? Hours,
    int Workers,
    SynthesisOptions Options);

public sealed record SynthesisProgress(int Utterances, double Seconds, string? Note);

public sealed record SynthesisSummary(int Utterances, int Synthesized, int Skipped, int Failed, double Seconds,
                                      IReadOnlyList<string> Errors);

public static class CorpusSynthesizer
{
    const int MaxConsecutiveFailures = 25;

    public static async Task<SynthesisSummary> RunAsync(SynthesisRequest request, Action<SynthesisProgress>? progress = null,
                                                        CancellationToken ct = default)
    {
        if (request.Lines.Count == 0) throw new InvalidInputException("no text to synthesise (all lines empty)");
        if (request.Voices.Count == 0) throw new InvalidInputException("no voice available to synthesise with");
        if (request.Workers < 1) throw new InvalidInputException("--workers must be at least 1");
        Directory.CreateDirectory(request.OutputDirectory);
        var voices = request.Voices.ToDictionary(v => v.Id);
        string[] voiceIds = [.. request.Voices.Select(v => v.Id)];
        double target = (request.Hours ?? 0) * 3600;

        var gate = new object();
        var seconds = new Dictionary<int, double>();
        var errors = new List<string>();
        int next = 0, prefixEnd = 0, synthesized = 0, skipped = 0, failed = 0, consecutiveFailures = 0;
        double prefixSeconds = 0;
        bool stop = false;
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(ct);

        async Task Worker()
        {
            while (true)
            {
                int index;
                lock (gate)
                {
                    if (stop || (request.Hours is null && next >= request.Lines.Count)) return;
                    index = next++;
                }
                var plan = SynthesisPlan.For(index, request.Lines, voiceIds, request.Options);
                double duration;
                string? error = null;
                bool wasComplete = false;
                try
                {
                    double? existing = CompleteDuration(request.OutputDirectory, plan, request.Options.Seed);
                    wasComplete = existing.HasValue;
                    duration = existing ?? await SynthesizeOneAsync(request.OutputDirectory, plan, voices[plan.VoiceId], request.Options.Seed, abort.Token);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    duration = 0;
                    error = $"{plan.Name} ({plan.VoiceId}): {e.Message.ReplaceLineEndings(" ")}";
                }
                lock (gate)
                {
                    seconds[index] = duration;
                    if (error != null)
                    {
                        failed++;
                        errors.Add(error);
                        if (++consecutiveFailures >= MaxConsecutiveFailures) { stop = true; abort.Cancel(); }
                    }
                    else
                    {
                        consecutiveFailures = 0;
                        if (wasComplete) skipped++; else synthesized++;
                    }
                    // The prefix stops growing at the target: utterances still in flight when
                    // it was reached finish (their files are complete) but are not counted, so the
                    // corpus is the same first K utterances whatever the number of workers.
                    while (!(request.Hours is not null && prefixSeconds >= target) && seconds.TryGetValue(prefixEnd, out double d))
                    {
                        prefixSeconds += d;
                        seconds.Remove(prefixEnd);
                        prefixEnd++;
                    }
                    if (request.Hours is not null && prefixSeconds >= target) stop = true;
                    progress?.Invoke(new SynthesisProgress(prefixEnd, prefixSeconds, error));
                }
            }
        }

        try
        {
            await Task.WhenAll(Enumerable.Range(0, request.Workers).Select(_ => Task.Run(Worker, CancellationToken.None)));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Aborted because of repeated failures: reported below.
        }
        ct.ThrowIfCancellationRequested();
        if (consecutiveFailures >= MaxConsecutiveFailures)
            throw new InvalidOperationException($"synthesis stopped after {MaxConsecutiveFailures} failures in a row; last: {errors[^1]}");
        return new SynthesisSummary(prefixEnd, synthesized, skipped, failed, prefixSeconds, errors);
    }

    /// <summary>Synthesises one planned utterance and writes NAME.wav then NAME.json; returns its duration.</summary>
    public static async Task<double> SynthesizeOneAsync(string directory, UtterancePlan plan, EngineVoice voice, long seed, CancellationToken ct)
    {
        SynthResult r = await voice.Engine.SynthesizeAsync(plan.Text, voice.Voice.Name, plan.Rate, plan.Pitch, ct);
        ct.ThrowIfCancellationRequested();
        WavFile.Write(Path.Combine(directory, plan.Name + ".wav"), r.Samples24k, SynthResult.SampleRate);
        var record = new UtteranceRecord(plan.Name, plan.Text, voice.Engine.Name, plan.VoiceId, plan.Rate, plan.Pitch, seed,
            SynthResult.SampleRate, r.Samples24k.Length, r.DurationSeconds, UtteranceRecord.TimingName(r.Timing),
            [.. r.Words.Select(w => new WordRecord(w.Word, Math.Round(w.Start, 4), Math.Round(Math.Min(w.End, r.DurationSeconds), 4)))]);
        record.Write(Path.Combine(directory, plan.Name + ".json"));
        return r.DurationSeconds;
    }

    /// <summary>The duration of the utterance if NAME.json matches the plan and NAME.wav its
    /// recorded length; null when it must be (re)made.</summary>
    public static double? CompleteDuration(string directory, UtterancePlan plan, long seed)
    {
        string json = Path.Combine(directory, plan.Name + ".json"), wav = Path.Combine(directory, plan.Name + ".wav");
        if (!File.Exists(json) || !File.Exists(wav)) return null;
        try
        {
            var r = UtteranceRecord.Read(json);
            if (r.Text != plan.Text || r.Voice != plan.VoiceId || r.Rate != plan.Rate || r.Pitch != plan.Pitch || r.Seed != seed) return null;
            var info = WavFile.ReadInfo(wav);
            return info.SampleRate == r.SampleRate && info.Channels == 1 && info.Frames == r.Samples ? r.Duration : null;
        }
        catch (InvalidInputException) { return null; }
        catch (IOException) { return null; }
    }
}
