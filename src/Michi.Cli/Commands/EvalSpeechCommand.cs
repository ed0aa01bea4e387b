// `michi eval speech --model DIR --sentences FILE --out DIR`: the speech model's quality figures
// of issue 7 in one run (EvalSpeechRun does the work, EvalSpeechResults defines the numbers):
// intelligibility (recogniser WER of the model's speech next to the TTS voices' on the same
// sentences), voice cloning (closest-prompt rate over held-out voices, with the similarity
// measure's own ceiling), TTFA and real-time factor, and a spectrogram sheet. Prints a table, or
// the summary as one JSON object with --json; OUT/results.json has every per-file detail.
// Default clone voices are installed English voices outside `data synth`'s default training set
// (VoiceCatalog.DefaultVoiceIds) and not the same speaker as one of them (flite:slt and
// flite:kal are SLT and KAL again): a Scottish, a Russian-accented, two British and a US voice
// from four engines. A model trained on other voices needs its own held-out list: --clone-voices.
using System.CommandLine;
using System.Globalization;
using Michi.Cli.Infrastructure;
using Michi.Data.Evaluation;
using Michi.Data.Synthesis;
using Spectre.Console;

namespace Michi.Cli.Commands;

static class EvalSpeechCommand
{
    public const string DefaultCloneVoices = "flite:awb,rhvoice:evgeniy-eng,pico:en-US,pico:en-GB,festival:rab_diphone,festival:ked_diphone";

    public static Command Create()
    {
        var model = SpeechCli.Model();
        var sentences = new Option<string>("--sentences") { Description = "Held-out sentences, one per line.", Required = true };
        var output = new Option<string>("--out") { Description = "Folder for the WAVs, results.json and spectrograms.png.", Required = true };
        var voices = new Option<string?>("--voices") { Description = "Reference TTS voices (engine:voice list as in `data synth`). Default: data synth's default set." };
        var cloneVoices = new Option<string>("--clone-voices")
        {
            Description = $"Held-out voices for the cloning test (at least 2), or none. Default: {DefaultCloneVoices}.",
            DefaultValueFactory = _ => DefaultCloneVoices,
        };
        var seed = new Option<long>("--seed") { Description = "Generation seed (every sentence uses it, as `say --seed`).", DefaultValueFactory = _ => 0 };
        var maxSeconds = new Option<double>("--max-seconds") { Description = "Most audio per generation.", DefaultValueFactory = _ => 30 }.InRange(1, 600);
        var plotSamples = new Option<int>("--plot-samples") { Description = "Sentences shown in spectrograms.png (0: no plot).", DefaultValueFactory = _ => 3 }.InRange(0, 20);
        var threads = SpeechCli.Threads("LibTorch and kernel threads (default 1: leaves the other core free).");
        var dtype = CommonOptions.DType();
        var json = CommonOptions.Json();
        var command = new Command("speech", "Speech model quality: WER vs the TTS voices, voice-clone similarity, TTFA / RTF, spectrograms.")
            { model, sentences, output, voices, cloneVoices, seed, maxSeconds, plotSamples, threads, dtype, json };
        command.SetAction(async (parse, ct) =>
        {
            var stderr = parse.InvocationConfiguration.Error ?? Console.Error;
            string sentencesPath = parse.GetValue(sentences)!;
            var lines = ReadSentences(sentencesPath, stderr);
            var catalog = VoiceCatalog.Installed();
            var reference = Resolve(catalog, parse.GetValue(voices), "--voices", stderr);
            if (reference.Count == 0) throw new InvalidInputException("--voices: no requested voice is installed; run scripts/setup.sh or `michi data voices`");
            string cloneSpec = parse.GetValue(cloneVoices)!;
            IReadOnlyList<EngineVoice> clones = cloneSpec.Trim() == "none" ? [] : Resolve(catalog, cloneSpec, "--clone-voices", stderr);
            if (clones.Count == 1)
            {
                if (cloneSpec != DefaultCloneVoices) throw new InvalidInputException("--clone-voices: at least 2 installed voices are needed (one is closest by definition)");
                stderr.WriteLine("michi: warning: only one default clone voice is installed; the cloning test is skipped");
                clones = [];
            }
            var recognizer = PocketsphinxRecognizer.Default;
            recognizer.EnsureAvailable();
            string outDir = parse.GetValue(output)!;
            var plan = new EvalSpeechPlan(parse.GetValue(model)!, sentencesPath, lines, outDir, reference, clones, parse.GetValue(seed),
                                          parse.GetValue(maxSeconds), parse.GetValue(plotSamples));

            int previousThreads = TorchSharp.torch.get_num_threads();
            EvalSpeechResults results;
            try
            {
                using var speech = await SpeechCli.LoadAsync(plan.ModelDir, parse.GetValue(dtype)!, parse.GetValue(threads) ?? 1, ct);
                Directory.CreateDirectory(outDir);   // after the checks: a refused run leaves nothing behind
                results = await ProgressReporter.RunAsync("eval speech", EvalSpeechRun.Steps(plan), async report =>
                {
                    int done = 0;
                    return await new EvalSpeechRun(plan, speech, recognizer, note => report(++done, note), ct).RunAsync();
                }, plainOutput: Console.IsErrorRedirected ? stderr : null);
            }
            finally
            {
                TorchSharp.torch.set_num_threads(previousThreads);   // in-process callers (tests) keep their setting
            }

            foreach (var m in results.Model.Where(m => m.PromptTokensLeft > 0))
                stderr.WriteLine($"michi: warning: sentence {m.Index}: --max-seconds cut it short ({m.PromptTokensLeft} tokens unsaid)");
            results.Write(Path.Combine(outDir, "results.json"));
            var stdout = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json)) JsonOutput.Write(stdout, results.Summary);
            else PrintTable(stdout, results, outDir);
            return CliRunner.ExitOk;
        });
        return command;
    }

    static List<string> ReadSentences(string path, TextWriter stderr)
    {
        if (!File.Exists(path)) throw InvalidInputException.ForFile(path, "no such file");
        var lines = DataSynthCommand.ReadLines(path, stderr);
        for (int i = 0; i < lines.Count; i++)
            if (WordErrorRate.Normalize(lines[i]).Count == 0)
                throw InvalidInputException.ForFile(path, $"line {i + 1} has no words to score");
        return lines;
    }

    /// <summary>VoiceCatalog.Resolve with the option's own name in its messages; voices of
    /// engines that are not installed are warned about and left out.</summary>
    static IReadOnlyList<EngineVoice> Resolve(VoiceCatalog catalog, string? spec, string option, TextWriter stderr)
    {
        VoiceSelection selection;
        try
        {
            selection = catalog.Resolve(spec);
        }
        catch (InvalidInputException e) when (e.Message.StartsWith("--voices:", StringComparison.Ordinal))
        {
            throw new InvalidInputException(option + e.Message["--voices".Length..]);
        }
        foreach (string missing in selection.Missing)
            stderr.WriteLine($"michi: warning: {option}: voice {missing}; skipped");
        return selection.Voices;
    }

    static void PrintTable(TextWriter stdout, EvalSpeechResults results, string outDir)
    {
        var s = results.Summary;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(stdout),
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 110;
        string P(double? x) => x is { } v && double.IsFinite(v) ? v.ToString("P1", CultureInfo.InvariantCulture) : "n/a";
        string F(double? x, string format) => x is { } v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "n/a";

        var table = new Table().Title($"michi eval speech: {s.SentenceCount} sentences, {s.ReferenceWords} words, seed {s.Seed}")
            .AddColumn("measure").AddColumn(new TableColumn("value").RightAligned()).AddColumn("target / note");
        table.AddRow("WER model", P(s.ModelWer), Markup.Escape($"{s.ModelSeconds:0.0} s of speech"));
        foreach (var (voice, wer) in s.TtsWerByVoice) table.AddRow(Markup.Escape($"WER {voice}"), P(wer), "");
        table.AddRow("WER TTS pooled", P(s.TtsWer), "");
        table.AddRow("WER ratio model / TTS", F(s.WerRatio, "0.00"), $"≤ {EvalSpeechSummary.WerRatioTarget}");
        table.AddRow("clone: closest = own prompt", P(s.CloneAccuracy),
            s.CloneVoices == 0 ? "skipped" : $"≥ {EvalSpeechSummary.CloneAccuracyTarget:P0}; chance {P(s.CloneChance)}; {s.CloneVoices} voices");
        table.AddRow("clone: distance own / nearest other", $"{F(s.CloneOwnDistance, "0.00")} / {F(s.CloneNearestOtherDistance, "0.00")}", "RMS z units");
        table.AddRow("similarity check, clone voices", P(s.SimilarityAccuracyClonePool), "TTS target sentence vs prompts: the ceiling");
        table.AddRow("similarity check, all voices", P(s.SimilarityAccuracyAllVoices), $"{s.SimilarityVoices} voices (NOTES.md: ≈ 93 % over 18)");
        table.AddRow("TTFA median / max", $"{F(s.TtfaMs, "0")} / {F(s.TtfaMaxMs, "0")} ms", $"≤ {EvalSpeechSummary.TtfaTargetMs} ms");
        table.AddRow("RTF median", F(s.Rtf, "0.000"), $"≤ {EvalSpeechSummary.RtfTarget}");
        if (s.CloneTtfaMs is not null) table.AddRow("TTFA / RTF with voice prompt", $"{F(s.CloneTtfaMs, "0")} ms / {F(s.CloneRtf, "0.000")}", "");
        console.Write(table);
        stdout.WriteLine($"written: {outDir} (model/, tts/, voices/, clone/, results.json{(s.Plot is null ? "" : ", spectrograms.png")})");
    }
}
