// `michi say "TEXT" --model DIR --out a.wav`: forced-text causal TTS through SpeechGenerator (the
// model chooses when each token of TEXT is spoken), optionally continuing on its own
// (--continue-seconds), in the voice of a reference recording (--voice, --voice-text), after
// pure-text context such as retrieved documents (--context FILE). --json prints the spoken text
// with per-word times and the timing figures (ttfa_ms, rtf).
using System.CommandLine;
using Michi.Cli.Infrastructure;
using Michi.Runtime;
using Michi.Runtime.Speech;

namespace Michi.Cli.Commands;

public static class SayCommand
{
    /// <summary>Largest --context file read (a context longer than the model's is refused anyway).</summary>
    public const long MaxContextBytes = 4 << 20;

    public static Command Create()
    {
        var text = new Argument<string>("TEXT") { Description = "What to say." };
        var model = SpeechCli.Model();
        var output = new Option<string>("--out") { Description = "Output WAV (24 kHz mono 16-bit, written atomically).", Required = true };
        var continueSeconds = new Option<double>("--continue-seconds") { Description = "Go on autonomously (text and audio) for this long after the text.", DefaultValueFactory = _ => 0 };
        continueSeconds.InRange(0, 3600);
        var voice = new Option<string?>("--voice") { Description = "Reference WAV (≥ 1 s, any rate): speak in its voice, continuing from it." };
        var voiceText = new Option<string?>("--voice-text") { Description = "Transcript of --voice (default: heard by the listen text head)." };
        var context = new Option<string?>("--context") { Description = "UTF-8 text file given to the model as pure-text context before speech (e.g. retrieved documents)." };
        var maxSeconds = new Option<double>("--max-seconds") { Description = "Most audio to generate.", DefaultValueFactory = _ => 60 };
        maxSeconds.InRange(0.08, 3600);
        var seed = SpeechCli.Seed();
        var flowSteps = SpeechCli.FlowSteps();
        var temperature = new Option<double?>("--temperature") { Description = "Noise scale of the speak head (default: the model's)." };
        var textTemperature = new Option<double>("--text-temperature") { Description = "Sampling temperature of the text head.", DefaultValueFactory = _ => SpeechOptions.DefaultText.Temperature };
        textTemperature.InRange(1e-3, 100);
        var dtype = CommonOptions.DType();
        var threads = SpeechCli.Threads();
        var json = CommonOptions.Json();
        var command = new Command("say", "Speak TEXT (forced-text TTS: the model chooses when each word comes), optionally in a reference voice.")
        {
            text, model, output, continueSeconds, voice, voiceText, context, maxSeconds, seed, flowSteps, temperature, textTemperature,
            dtype, threads, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            string say = parse.GetValue(text)!;
            if (string.IsNullOrWhiteSpace(say)) throw new InvalidInputException("TEXT is empty");
            string? voicePath = parse.GetValue(voice), transcript = parse.GetValue(voiceText), contextPath = parse.GetValue(context);
            if (transcript is not null && voicePath is null) throw new InvalidInputException("--voice-text needs --voice");
            SpeechCli.Check(parse.GetValue(flowSteps), 1, 1000, "--flow-steps");
            SpeechCli.Check(parse.GetValue(temperature), 0, 100, "--temperature");
            string? contextText = contextPath is null ? null : ReadContext(contextPath);
            var voicePrompt = voicePath is null ? null : SpeechCli.ReadVoice(voicePath, transcript);

            using var speech = await SpeechCli.LoadAsync(parse.GetValue(model)!, parse.GetValue(dtype)!, parse.GetValue(threads), ct);
            var generator = new SpeechGenerator(speech, speech.Tokenizer);
            var request = new SpeechRequest { Text = say, Context = contextText, Voice = voicePrompt };
            var options = new SpeechOptions
            {
                ContinueSeconds = parse.GetValue(continueSeconds), MaxSeconds = parse.GetValue(maxSeconds), Seed = parse.GetValue(seed),
                FlowSteps = parse.GetValue(flowSteps), FlowTemperature = parse.GetValue(temperature),
                Text = SpeechOptions.DefaultText with { Temperature = parse.GetValue(textTemperature) },
            };
            var timed = await SpeechCli.GenerateAsync(generator, request, options, ct);
            string outPath = parse.GetValue(output)!;
            SpeechCli.WriteWav(outPath, timed.Result.Samples, speech.Info.SampleRate);
            SpeechCli.Report(parse, parse.GetValue(json), timed, outPath);
            return CliRunner.ExitOk;
        });
        return command;
    }

    private static string ReadContext(string path)
    {
        if (!File.Exists(path)) throw InvalidInputException.ForFile(path, "no such file");
        long length = new FileInfo(path).Length;
        if (length > MaxContextBytes) throw InvalidInputException.ForFile(path, $"{length} bytes: too large for a context (at most {MaxContextBytes})");
        string text = File.ReadAllText(path);
        if (string.IsNullOrWhiteSpace(text)) throw InvalidInputException.ForFile(path, "context file is empty");
        return text;
    }
}
