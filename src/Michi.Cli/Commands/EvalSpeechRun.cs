// The work of `michi eval speech` (EvalSpeechCommand parses, this runs, EvalSpeechResults holds
// the numbers). Everything is written under OUT so each number can be listened to:
//   model/NNN.wav          sentence NNN said by the model (`say` mode, forced text, --seed S:
//                          `michi say TEXT --seed S` reproduces it);
//   tts/VOICE/NNN.wav      the same sentence said by each reference TTS voice;
//   voices/VOICE/prompt.wav, target.wav   every voice of the pool (reference ∪ clone voices)
//                          saying PromptText and TargetText (similarity check and clone prompts);
//   clone/VOICE.wav        the model saying TargetText after voices/VOICE/prompt.wav as its
//                          voice prompt (with its transcript, as `say --voice --voice-text`).
// Intelligibility: every WAV goes through the same recogniser (PocketsphinxRecognizer) at the
// same rate path; corpus WER per side. Voice similarity: VoiceProfile of each recording in a
// VoiceSpace fitted on the pool's TTS recordings only (the model's output never moves the
// yardstick). Generations run one at a time after one untimed warm-up (JIT, first allocations),
// timed as `say` times them (SpeechCli.GenerateAsync).
// Prompt and target texts are Harvard sentences (IEEE 1969, list 1): phonetically balanced,
// ≈ 4 s each for most voices, and not in the data synth text corpora.
using Michi.Audio;
using Michi.Data.Evaluation;
using Michi.Data.Synthesis;
using Michi.Runtime;
using Michi.Runtime.Speech;

namespace Michi.Cli.Commands;

sealed record EvalSpeechPlan(string ModelDir, string SentencesPath, IReadOnlyList<string> Sentences, string OutDir,
                             IReadOnlyList<EngineVoice> Voices, IReadOnlyList<EngineVoice> CloneVoices, long Seed, double MaxSeconds,
                             int PlotSamples);

sealed class EvalSpeechRun(EvalSpeechPlan plan, SpeechModel speech, PocketsphinxRecognizer recognizer, Action<string> step,
                           CancellationToken ct)
{
    public const string PromptText = "The birch canoe slid on the smooth planks. Glue the sheet to the dark blue background.";
    public const string TargetText = "It's easy to tell the depth of a well. These days a chicken leg is a rare dish.";

    /// <summary>Work units done by <see cref="RunAsync"/>, for the progress bar.</summary>
    public static int Steps(EvalSpeechPlan p)
    {
        int pool = p.Voices.Concat(p.CloneVoices).DistinctBy(v => v.Id).Count();
        return 2 * p.Sentences.Count * (p.Voices.Count + 1) + 2 * pool + p.CloneVoices.Count;
    }

    readonly int _rate = speech.Info.SampleRate;
    readonly SpeechGenerator _generator = new(speech, speech.Tokenizer);

    public async Task<EvalSpeechResults> RunAsync()
    {
        await WarmUpAsync();
        var model = await ModelSentencesAsync();
        var tts = new List<TtsVoiceResult>();
        foreach (var voice in plan.Voices) tts.Add(await TtsSentencesAsync(voice));

        // The voice pool: every reference and clone voice saying the prompt and the target text.
        var pool = plan.Voices.Concat(plan.CloneVoices).DistinctBy(v => v.Id).ToList();
        var prompts = new Dictionary<string, (string File, float[] Samples, VoiceProfile Profile)>();
        var targets = new Dictionary<string, VoiceProfile>();
        foreach (var voice in pool)
        {
            string dir = Path.Combine(plan.OutDir, "voices", FolderName(voice.Id));
            Directory.CreateDirectory(dir);
            var prompt = await SynthesizeAsync(voice, PromptText, Path.Combine(dir, "prompt.wav"));
            prompts[voice.Id] = (Path.Combine(dir, "prompt.wav"), prompt, VoiceProfile.Compute(prompt, SynthResult.SampleRate));
            targets[voice.Id] = VoiceProfile.Compute(await SynthesizeAsync(voice, TargetText, Path.Combine(dir, "target.wav")), SynthResult.SampleRate);
        }

        var allIds = pool.Select(v => v.Id).ToList();
        var allSpace = VoiceSpace.Fit([.. allIds.Select(id => prompts[id].Profile), .. allIds.Select(id => targets[id])]);
        var checkAll = EvalSpeechResults.Checks(allIds,
            VoiceSimilarity.Identify(allSpace, [.. allIds.Select(id => targets[id])], [.. allIds.Select(id => prompts[id].Profile)]));

        var cloneIds = plan.CloneVoices.Select(v => v.Id).ToList();
        var clones = new List<CloneOutput>();
        IReadOnlyList<SimilarityCheck> checkClone = [];
        if (cloneIds.Count > 0)
        {
            var clonePrompts = cloneIds.Select(id => prompts[id].Profile).ToList();
            var cloneSpace = VoiceSpace.Fit([.. clonePrompts, .. cloneIds.Select(id => targets[id])]);
            checkClone = EvalSpeechResults.Checks(cloneIds, VoiceSimilarity.Identify(cloneSpace, [.. cloneIds.Select(id => targets[id])], clonePrompts));
            Directory.CreateDirectory(Path.Combine(plan.OutDir, "clone"));
            var outputs = new List<(string File, VoiceProfile Profile, string Heard, double Wer, GenerationTiming Timing)>();
            foreach (string id in cloneIds)
            {
                string file = Path.Combine(plan.OutDir, "clone", FolderName(id) + ".wav");
                var voice = new VoicePrompt(prompts[id].Samples, SynthResult.SampleRate, PromptText, prompts[id].File);
                var (samples, timing, _) = await GenerateAsync(new SpeechRequest { Text = TargetText, Voice = voice }, file);
                string heard = await recognizer.RecognizeAsync(samples, _rate, ct);
                step($"clone {id}");
                outputs.Add((file, VoiceProfile.Compute(samples, _rate), heard, WordErrorRate.Count(TargetText, heard).Rate, timing));
            }
            var identified = VoiceSimilarity.Identify(cloneSpace, [.. outputs.Select(o => o.Profile)], clonePrompts);
            for (int i = 0; i < cloneIds.Count; i++)
            {
                var r = identified[i];
                var distances = cloneIds.Select((id, j) => (id, d: r.Distances[j])).ToDictionary(x => x.id, x => x.d);
                clones.Add(new CloneOutput(cloneIds[i], prompts[cloneIds[i]].File, outputs[i].File, cloneIds[r.Closest], r.Correct,
                    r.OwnDistance, r.NearestOtherDistance, distances, outputs[i].Profile.Basis.ToString().ToLowerInvariant(),
                    outputs[i].Heard, outputs[i].Wer, outputs[i].Timing));
            }
        }

        string? plot = null;
        if (plan.PlotSamples > 0 && plan.Voices.Count > 0)
        {
            plot = Path.Combine(plan.OutDir, "spectrograms.png");
            var rows = model.Take(plan.PlotSamples).Select(m => new SpectrogramRow(
                $"{m.Index:D3} \"{Shorten(m.Text)}\"", m.File, tts[0].Sentences[m.Index - 1].File, tts[0].Voice)).ToList();
            SpeechSpectrogramPlot.Write(plot, rows);
        }
        return new EvalSpeechResults(Summarise(model, tts, clones, checkClone, checkAll, plot), model, tts, clones, checkClone, checkAll);
    }

    async Task WarmUpAsync()
    {
        var options = Options() with { MaxSeconds = 2, FinishSeconds = 0 };
        await SpeechCli.GenerateAsync(_generator, SpeechRequest.Say("Hello."), options, ct);
    }

    SpeechOptions Options() => new() { MaxSeconds = plan.MaxSeconds, Seed = plan.Seed };

    async Task<(float[] Samples, GenerationTiming Timing, int TokensLeft)> GenerateAsync(SpeechRequest request, string file)
    {
        var timed = await SpeechCli.GenerateAsync(_generator, request, Options(), ct);
        var r = timed.Result;
        SpeechCli.WriteWav(file, r.Samples, _rate);
        var timing = new GenerationTiming(timed.FirstAudibleMs ?? timed.FirstChunkMs, timed.FirstAudibleMs is null ? "first_chunk" : "first_audible_chunk",
                                          timed.FirstChunkMs, timed.Rtf, timed.WallMs, r.Seconds);
        return (r.Samples, timing, r.End.PromptTokensLeft);
    }

    async Task<List<ModelSentence>> ModelSentencesAsync()
    {
        string dir = Path.Combine(plan.OutDir, "model");
        Directory.CreateDirectory(dir);
        var done = new List<(int Index, string File, float[] Samples, GenerationTiming Timing, int Left)>();
        for (int i = 0; i < plan.Sentences.Count; i++)
        {
            string file = Path.Combine(dir, $"{i + 1:D3}.wav");
            var (samples, timing, left) = await GenerateAsync(SpeechRequest.Say(plan.Sentences[i]), file);
            step($"model {i + 1}/{plan.Sentences.Count}");
            done.Add((i + 1, file, samples, timing, left));
        }
        var results = new List<ModelSentence>();
        foreach (var d in done)
        {
            string text = plan.Sentences[d.Index - 1];
            string heard = await recognizer.RecognizeAsync(d.Samples, _rate, ct);
            var wer = WordErrorRate.Count(text, heard);
            step($"recognise model {d.Index}");
            results.Add(new ModelSentence(d.Index, text, d.File, heard, wer.Edits, wer.ReferenceWords, wer.Rate, d.Left, d.Timing));
        }
        return results;
    }

    async Task<TtsVoiceResult> TtsSentencesAsync(EngineVoice voice)
    {
        string dir = Path.Combine(plan.OutDir, "tts", FolderName(voice.Id));
        Directory.CreateDirectory(dir);
        var sentences = new List<TtsSentence>();
        var total = WerCounts.Zero;
        for (int i = 0; i < plan.Sentences.Count; i++)
        {
            string file = Path.Combine(dir, $"{i + 1:D3}.wav");
            float[] samples = await SynthesizeAsync(voice, plan.Sentences[i], file);
            string heard = await recognizer.RecognizeAsync(samples, SynthResult.SampleRate, ct);
            var wer = WordErrorRate.Count(plan.Sentences[i], heard);
            total += wer;
            step($"recognise {voice.Id} {i + 1}");
            sentences.Add(new TtsSentence(i + 1, file, samples.Length / (double)SynthResult.SampleRate, heard, wer.Edits, wer.ReferenceWords, wer.Rate));
        }
        return new TtsVoiceResult(voice.Id, total.Rate, total.Edits, total.ReferenceWords, sentences);
    }

    async Task<float[]> SynthesizeAsync(EngineVoice voice, string text, string file)
    {
        var result = await voice.Engine.SynthesizeAsync(text, voice.Voice.Name, 1.0, 1.0, ct);
        WavFile.Write(file, result.Samples24k, SynthResult.SampleRate);
        step($"{voice.Id} {Path.GetFileName(file)}");
        return result.Samples24k;
    }

    EvalSpeechSummary Summarise(List<ModelSentence> model, List<TtsVoiceResult> tts, List<CloneOutput> clones,
                                IReadOnlyList<SimilarityCheck> checkClone, IReadOnlyList<SimilarityCheck> checkAll, string? plot)
    {
        int words = model.Sum(m => m.ReferenceWords);
        double modelWer = words > 0 ? model.Sum(m => m.Edits) / (double)words : 0;
        int ttsWords = tts.Sum(t => t.ReferenceWords);
        double ttsWer = ttsWords > 0 ? tts.Sum(t => t.Edits) / (double)ttsWords : double.NaN;
        double? ratio = tts.Count == 0 ? null : ttsWer > 0 ? modelWer / ttsWer : modelWer == 0 ? 1 : double.PositiveInfinity;
        static double? Mean(IEnumerable<double> xs) => xs.Any() ? xs.Average() : null;
        static double? Rate(IReadOnlyList<SimilarityCheck> c) => c.Count == 0 ? null : c.Count(x => x.Correct) / (double)c.Count;
        var timings = model.Select(m => m.Timing).ToList();
        return new EvalSpeechSummary(
            Path.GetFullPath(plan.ModelDir), Path.GetFullPath(plan.SentencesPath), recognizer.Description, plan.Seed, model.Count, words,
            modelWer, ttsWer, ratio, tts.ToDictionary(t => t.Voice, t => t.Wer),
            clones.Count, clones.Count == 0 ? null : clones.Count(c => c.Correct) / (double)clones.Count,
            clones.Count == 0 ? null : 1.0 / clones.Count, Mean(clones.Select(c => c.OwnDistance)),
            Mean(clones.Select(c => c.NearestOtherDistance).Where(double.IsFinite)),
            Rate(checkClone), Rate(checkAll), checkAll.Count,
            SpeechLatencyBenchmark.Median(timings.Select(t => t.TtfaMs)), timings.Max(t => t.TtfaMs),
            SpeechLatencyBenchmark.Median(timings.Select(t => t.Rtf)),
            clones.Count == 0 ? null : SpeechLatencyBenchmark.Median(clones.Select(c => c.Timing.TtfaMs)),
            clones.Count == 0 ? null : SpeechLatencyBenchmark.Median(clones.Select(c => c.Timing.Rtf)),
            timings.Sum(t => t.Seconds), plot);
    }

    /// <summary>"rhvoice:slt" → "rhvoice-slt": a folder name without a colon.</summary>
    public static string FolderName(string voiceId) => voiceId.Replace(':', '-').Replace('/', '-');

    static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";
}
