// Writes a synthetic speech corpus: for utterance i (planned by SynthesisPlan), OUT/NAME.wav
// (24 kHz mono, 16-bit) and then OUT/NAME.json (UtteranceRecord), both atomically. An utterance
// whose JSON matches its plan and whose WAV has the recorded length is complete and skipped, so
// a killed run resumes where it stopped and a finished one is a no-op.
// Length: with Hours, utterances 0, 1, 2, … are made until the first K of them reach the target;
// without, one pass over the lines. Scheduling, failures and the length rule are
// IndexedJobRunner's (shared with the dialogue writer); each utterance depends only on its plan.
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
    public static async Task<SynthesisSummary> RunAsync(SynthesisRequest request, Action<SynthesisProgress>? progress = null,
                                                        CancellationToken ct = default)
    {
        if (request.Lines.Count == 0) throw new InvalidInputException("no text to synthesise (all lines empty)");
        if (request.Voices.Count == 0) throw new InvalidInputException("no voice available to synthesise with");
        if (request.Workers < 1) throw new InvalidInputException("--workers must be at least 1");
        Directory.CreateDirectory(request.OutputDirectory);
        var voices = request.Voices.ToDictionary(v => v.Id);
        string[] voiceIds = [.. request.Voices.Select(v => v.Id)];
        UtterancePlan Plan(int index) => SynthesisPlan.For(index, request.Lines, voiceIds, request.Options);

        async Task<JobOutcome> Job(int index, CancellationToken token)
        {
            var plan = Plan(index);
            if (CompleteDuration(request.OutputDirectory, plan, request.Options.Seed) is { } existing) return new(existing, true);
            return new(await SynthesizeOneAsync(request.OutputDirectory, plan, voices[plan.VoiceId], request.Options.Seed, token), false);
        }

        var s = await IndexedJobRunner.RunAsync(request.Lines.Count, request.Hours * 3600, request.Workers, Job,
            index => { var plan = Plan(index); return $"{plan.Name} ({plan.VoiceId})"; }, "synthesis",
            progress is null ? null : p => progress(new SynthesisProgress(p.Items, p.Seconds, p.Note)), ct);
        return new SynthesisSummary(s.Items, s.Made, s.Skipped, s.Failed, s.Seconds, s.Errors);
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
