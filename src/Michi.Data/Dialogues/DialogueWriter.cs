// Writes a set of two-speaker dialogues for full-duplex training (DESIGN.md §3, §5): for
// dialogue i (planned by DialoguePlanner), OUT/NAME.wav (24 kHz, 2 channels: user, assistant;
// 16-bit) and then OUT/NAME.json (DialogueRecord), both atomically. A dialogue whose JSON reads
// back with its plan's hash and whose WAV has the recorded shape is complete and skipped, so a
// killed run resumes and a finished one is a no-op. Scheduling, the count/hours rule and failure
// handling are IndexedJobRunner's, shared with `data synth`.
using Michi.Audio;
using Michi.Data.Corpus;
using Michi.Data.Synthesis;

namespace Michi.Data.Dialogues;

/// <param name="Count">Dialogues to make when <paramref name="Hours"/> is null.</param>
public sealed record DialogueRequest(
    IReadOnlyList<string> Lines,
    IReadOnlyList<EngineVoice> Voices,
    string OutputDirectory,
    int Count,
    double? Hours,
    int Workers,
    DialogueOptions Options);

public sealed record DialogueSummary(int Dialogues, int Made, int Skipped, int Failed, double Seconds,
                                     IReadOnlyDictionary<string, int> EventCounts, IReadOnlyList<string> Errors);

public static class DialogueWriter
{
    public static async Task<DialogueSummary> RunAsync(DialogueRequest request, Action<JobRunProgress>? progress = null,
                                                       CancellationToken ct = default)
    {
        if (request.Voices.Count == 0) throw new InvalidInputException("no voice available to synthesise with");
        if (request.Hours is null && request.Count < 1) throw new InvalidInputException("--count must be at least 1");
        var planner = new DialoguePlanner(request.Lines, [.. request.Voices.Select(v => v.Id)], request.Options);
        Directory.CreateDirectory(request.OutputDirectory);
        var voices = request.Voices.ToDictionary(v => v.Id);

        async Task<JobOutcome> Job(int index, CancellationToken token)
        {
            var plan = planner.For(index);
            if (CompleteDuration(request.OutputDirectory, plan, request.Options) is { } existing) return new(existing, true);
            var record = await MakeOneAsync(request.OutputDirectory, plan, voices, request.Options, token);
            return new(record.Duration, false);
        }

        var s = await IndexedJobRunner.RunAsync(request.Count, request.Hours * 3600, request.Workers, Job,
            index => { var p = planner.For(index); return $"{p.Name} ({string.Join(" + ", p.Voices)})"; }, "dialogue synthesis", progress, ct);
        var counts = DialogueEvent.Types.ToDictionary(t => t, _ => 0);
        for (int i = 0; i < s.Items; i++)
        {
            string json = Path.Combine(request.OutputDirectory, DialoguePlanner.NameOf(i) + ".json");
            if (!File.Exists(json)) continue;   // failed
            var r = DialogueRecord.Read(json);
            foreach (string t in DialogueEvent.Types) counts[t] += r.Count(t);
        }
        return new DialogueSummary(s.Items, s.Made, s.Skipped, s.Failed, s.Seconds, counts, s.Errors);
    }

    /// <summary>Synthesises one planned dialogue and writes NAME.wav then NAME.json.</summary>
    public static async Task<DialogueRecord> MakeOneAsync(string directory, DialoguePlan plan, IReadOnlyDictionary<string, EngineVoice> voices,
                                                          DialogueOptions options, CancellationToken ct)
    {
        var clips = new SynthResult[plan.Turns.Count];
        for (int k = 0; k < clips.Length; k++)
        {
            int s = plan.Turns[k].Speaker;
            clips[k] = await Speak(voices[plan.Voices[s]], plan.Turns[k].Text, plan.Rates[s], plan.Pitches[s], ct);
        }
        var cache = new Dictionary<(int, string), SynthResult>();
        async Task<SynthResult> Backchannel(int speaker, string text)
        {
            if (!cache.TryGetValue((speaker, text), out var r))
                cache[(speaker, text)] = r = await Speak(voices[plan.Voices[speaker]], text, plan.Rates[speaker], plan.Pitches[speaker], ct);
            return r;
        }
        var layout = await DialogueLayout.ArrangeAsync(plan, options, clips, Backchannel);
        ct.ThrowIfCancellationRequested();

        int samples = (int)Math.Ceiling(layout.Duration * SynthResult.SampleRate);
        var audio = new AudioBuffer(DialogueLayout.Mix(layout.Clips, samples), SynthResult.SampleRate);
        WavFile.Write(Path.Combine(directory, plan.Name + ".wav"), audio);
        var channels = Enumerable.Range(0, 2).Select(c => new DialogueChannel(DialogueEvent.Roles[c], voices[plan.Voices[c]].Engine.Name,
            plan.Voices[c], plan.Rates[c], plan.Pitches[c], UtteranceRecord.TimingName(layout.Timing[c]), layout.Words[c])).ToArray();
        var record = new DialogueRecord(plan.Name, plan.Seed, plan.Hash(options), SynthResult.SampleRate, samples,
                                        Math.Round((double)samples / SynthResult.SampleRate, 4), channels, layout.Events);
        record.Write(Path.Combine(directory, plan.Name + ".json"));
        return record;
    }

    static async Task<SynthResult> Speak(EngineVoice voice, string text, double rate, double pitch, CancellationToken ct)
    {
        var r = await voice.Engine.SynthesizeAsync(text, voice.Voice.Name, rate, pitch, ct);
        ct.ThrowIfCancellationRequested();
        return r;
    }

    /// <summary>The duration of the dialogue if NAME.json carries the plan's hash and NAME.wav its
    /// recorded shape; null when it must be (re)made.</summary>
    public static double? CompleteDuration(string directory, DialoguePlan plan, DialogueOptions options)
    {
        string json = Path.Combine(directory, plan.Name + ".json"), wav = Path.Combine(directory, plan.Name + ".wav");
        if (!File.Exists(json) || !File.Exists(wav)) return null;
        try
        {
            var r = DialogueRecord.Read(json);
            if (r.PlanHash != plan.Hash(options) || r.Seed != plan.Seed) return null;
            var info = WavFile.ReadInfo(wav);
            return info.SampleRate == r.SampleRate && info.Channels == 2 && info.Frames == r.Samples ? r.Duration : null;
        }
        catch (InvalidInputException) { return null; }
        catch (IOException) { return null; }
    }
}
