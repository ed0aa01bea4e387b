// `michi data timing-report`: measures word-timing accuracy per voice on a few lines of text
// (the numbers in docs/data.md). For every voice: its own method's onsets against energy onsets;
// for voices with exact times (espeak-ng events, festival/flite utterance structure), forced
// alignment and the energy estimate run on the same audio and are scored word by word against
// the exact onsets. Also reports synthesis speed (audio seconds per wall second, one worker).
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Michi.Data.Evaluation;
using Michi.Data.Synthesis;
using Michi.Cli.Infrastructure;

namespace Michi.Cli.Commands;

static class DataTimingCommand
{
    public static Command Create()
    {
        var text = new Option<string>("--text") { Description = "Text file: one utterance per line.", Required = true };
        var voices = new Option<string?>("--voices") { Description = "Voices to measure (as for `data synth`). Default: the default set." };
        var count = new Option<int>("--utterances") { Description = "Lines to synthesise per voice.", DefaultValueFactory = _ => 10 };
        count.Validators.Add(r => { if (r.GetValue(count) is < 1 or > 10000) r.AddError("--utterances must be between 1 and 10000"); });
        var command = new Command("timing-report", "Measure word-onset errors of each timing method and synthesis speed per voice.")
            { text, voices, count };
        command.SetAction(async (parse, ct) =>
        {
            var o = parse.InvocationConfiguration.Output;
            string[] lines = [.. File.ReadLines(parse.GetValue(text)!).Select(l => l.Trim()).Where(l => l.Length > 0).Take(parse.GetValue(count))];
            if (lines.Length == 0) throw InvalidInputException.ForFile(parse.GetValue(text)!, "no non-empty lines");
            var selection = VoiceCatalog.Installed().Resolve(parse.GetValue(voices));
            foreach (string m in selection.Missing) parse.InvocationConfiguration.Error.WriteLine($"michi: warning: voice {m}; skipped");
            var aligner = PocketsphinxAligner.Default;
            var pooled = new Dictionary<string, List<double>>();
            void Pool(string key, IEnumerable<double> errors)
            {
                if (!pooled.TryGetValue(key, out var list)) pooled[key] = list = [];
                list.AddRange(errors.Select(Math.Abs));
            }

            o.WriteLine($"{"voice",-34} {"method",-20} {"x realtime",10}  onset error (ms): median / p95 / n");
            foreach (var v in selection.Voices)
            {
                var own = new List<double>();
                var fa = new List<double>();
                var ee = new List<double>();
                var eeVsEnergy = new List<double>();
                var faVsEnergy = new List<double>();
                double audio = 0, wall = 0;
                string method = "";
                foreach (string line in lines)
                {
                    var clock = Stopwatch.StartNew();
                    SynthResult r = await v.Engine.SynthesizeAsync(line, v.Voice.Name, 1.0, 1.0, ct);
                    wall += clock.Elapsed.TotalSeconds;
                    audio += r.DurationSeconds;
                    method = UtteranceName(r.Timing);
                    var onsets = TimingError.EnergyOnsets(r.Samples24k, SynthResult.SampleRate);
                    own.AddRange(TimingError.AgainstEnergyOnsets(r.Words, onsets));
                    if (r.Timing is WordTimingSource.EngineEvents or WordTimingSource.UtteranceStructure)
                    {
                        string[] words = [.. r.Words.Select(w => w.Word)];
                        var estimate = EnergyAligner.Estimate(r.Samples24k, SynthResult.SampleRate, words);
                        ee.AddRange(TimingError.AgainstReference(estimate, r.Words));
                        eeVsEnergy.AddRange(TimingError.AgainstEnergyOnsets(estimate, onsets));
                        if (await aligner.AlignAsync(r.Samples24k, SynthResult.SampleRate, words, ct) is { } aligned)
                        {
                            fa.AddRange(TimingError.AgainstReference(aligned, r.Words));
                            faVsEnergy.AddRange(TimingError.AgainstEnergyOnsets(aligned, onsets));
                        }
                    }
                }
                string speed = (audio / wall).ToString("0.0", CultureInfo.InvariantCulture);
                o.WriteLine($"{v.Id,-34} {method + " vs energy",-20} {speed,10}  {Format(own)}");
                Pool($"{method} vs energy onsets", own);
                if (ee.Count > 0)
                {
                    o.WriteLine($"{"",-34} {"forced vs exact",-20} {"",10}  {Format(fa)}");
                    o.WriteLine($"{"",-34} {"energy-est vs exact",-20} {"",10}  {Format(ee)}");
                    Pool("forced_alignment vs exact", fa);
                    Pool("energy_estimate vs exact", ee);
                    Pool("forced_alignment vs energy onsets (exact voices' audio)", faVsEnergy);
                    Pool("energy_estimate vs energy onsets (exact voices' audio)", eeVsEnergy);
                }
            }
            o.WriteLine();
            o.WriteLine("pooled over voices:");
            foreach (var (key, errors) in pooled)
                o.WriteLine($"  {key,-58} {Format(errors)}");
            return CliRunner.ExitOk;
        });
        return command;
    }

    static string UtteranceName(WordTimingSource s) => Michi.Data.Corpus.UtteranceRecord.TimingName(s);

    static string Format(List<double> errors)
    {
        var s = ErrorStats.Of(errors.Select(Math.Abs));
        return s.Count == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{1000 * s.Median:0} / {1000 * s.P95:0} / {s.Count}");
    }
}
