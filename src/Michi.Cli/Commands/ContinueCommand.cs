// `michi continue --prompt-audio IN.wav --seconds S --out OUT.wav`: the recording goes into the
// model's own stream (its words heard by the listen text head) and the model carries on, in
// that voice, for exactly S seconds (end of turn is suppressed so the length is what was asked;
// OUT holds the continuation, or the prompt followed by it with --include-prompt).
using System.CommandLine;
using Michi.Cli.Infrastructure;
using Michi.Runtime.Speech;

namespace Michi.Cli.Commands;

public static class ContinueCommand
{
    public static Command Create()
    {
        var prompt = new Option<string>("--prompt-audio") { Description = "The recording to continue (WAV, ≥ 1 s, any rate).", Required = true };
        var seconds = new Option<double>("--seconds") { Description = "Seconds of continuation to generate.", Required = true };
        seconds.InRange(0.08, 3600);
        var output = new Option<string>("--out") { Description = "Output WAV (24 kHz mono 16-bit, written atomically).", Required = true };
        var includePrompt = new Option<bool>("--include-prompt") { Description = "Write the prompt (at 24 kHz) before the continuation." };
        var model = SpeechCli.Model();
        var seed = SpeechCli.Seed();
        var flowSteps = SpeechCli.FlowSteps();
        var dtype = CommonOptions.DType();
        var threads = SpeechCli.Threads();
        var json = CommonOptions.Json();
        var command = new Command("continue", "Continue a recording in its voice for a number of seconds.")
        {
            prompt, seconds, output, includePrompt, model, seed, flowSteps, dtype, threads, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            SpeechCli.Check(parse.GetValue(flowSteps), 1, 1000, "--flow-steps");
            var voice = SpeechCli.ReadVoice(parse.GetValue(prompt)!, transcript: null);
            using var speech = await SpeechCli.LoadAsync(parse.GetValue(model)!, parse.GetValue(dtype)!, parse.GetValue(threads), ct);
            var generator = new SpeechGenerator(speech, speech.Tokenizer);
            double s = parse.GetValue(seconds);
            var options = new SpeechOptions
            {
                ContinueSeconds = s, MaxSeconds = s, EndOfTurn = EndOfTurnMode.Suppress, Seed = parse.GetValue(seed),
                FlowSteps = parse.GetValue(flowSteps),
            };
            var timed = await SpeechCli.GenerateAsync(generator, new SpeechRequest { Voice = voice }, options, ct);
            string outPath = parse.GetValue(output)!;
            float[] samples = timed.Result.Samples;
            if (parse.GetValue(includePrompt))
            {
                int rate = speech.Info.SampleRate;
                float[] original = voice.SampleRate == rate ? voice.Samples : Michi.Audio.Resampler.Resample(voice.Samples, voice.SampleRate, rate);
                samples = [.. original, .. samples];
            }
            SpeechCli.WriteWav(outPath, samples, speech.Info.SampleRate);
            SpeechCli.Report(parse, parse.GetValue(json), timed, outPath);
            return CliRunner.ExitOk;
        });
        return command;
    }
}
