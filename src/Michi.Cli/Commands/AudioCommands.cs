// `michi audio info|convert`: inspect WAV files and convert them to Michi's internal format
// (24 kHz mono by default). Conversion streams in blocks, so files larger than memory work.
using System.CommandLine;
using Michi.Audio;
using Michi.Cli.Infrastructure;

namespace Michi.Cli.Commands;

public static class AudioCommands
{
    const int BlockFrames = 1 << 16;

    public static Command Create()
    {
        var audio = new Command("audio", "Inspect and convert WAV audio.");
        audio.Subcommands.Add(CreateInfo());
        audio.Subcommands.Add(CreateConvert());
        return audio;
    }

    static Command CreateInfo()
    {
        var file = new Argument<string>("FILE") { Description = "WAV file to describe." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var command = new Command("info", "Print a WAV file's format: rate, channels, sample format, length.") { file, json };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(file)!;
            using var reader = WavReader.Open(path);
            WavInfo info = reader.Info;
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
                JsonOutput.Write(output, new
                {
                    path,
                    sample_rate = info.SampleRate,
                    channels = info.Channels,
                    bits = info.BitsPerSample,
                    format = info.FormatName,
                    frames = info.Frames,
                    duration_s = info.DurationSeconds,
                });
            else
            {
                output.WriteLine($"file:        {path}");
                output.WriteLine($"format:      {info.FormatName}");
                output.WriteLine($"sample rate: {info.SampleRate} Hz");
                output.WriteLine($"channels:    {info.Channels}");
                output.WriteLine($"bits:        {info.BitsPerSample}");
                output.WriteLine($"frames:      {info.Frames}");
                output.WriteLine($"duration:    {info.DurationSeconds:0.###} s");
            }
            return CliRunner.ExitOk;
        });
        return command;
    }

    static Command CreateConvert()
    {
        var input = new Argument<string>("IN") { Description = "Input WAV file (any rate, channel count and sample format)." };
        var output = new Argument<string>("OUT") { Description = "Output WAV file (written atomically)." };
        var rate = new Option<int>("--rate") { Description = "Output sample rate in Hz.", DefaultValueFactory = _ => 24000 };
        var channels = new Option<int>("--channels") { Description = "Output channels: 1 (down-mix) or the input's count.", DefaultValueFactory = _ => 1 };
        var format = new Option<string>("--format") { Description = "Output sample format.", DefaultValueFactory = _ => "pcm16" };
        format.AcceptOnlyFromAmong("pcm16", "float32");
        rate.InRange(1000, 768000);
        channels.InRange(1, 64);
        var command = new Command("convert", "Convert a WAV file: resample (band-limited), down-mix, change sample format.")
            { input, output, rate, channels, format };
        command.SetAction(async (parse, ct) =>
        {
            string inPath = parse.GetValue(input)!, outPath = parse.GetValue(output)!;
            int toRate = parse.GetValue(rate), outChannels = parse.GetValue(channels);
            var sampleFormat = parse.GetValue(format) == "float32" ? WavSampleFormat.Float32 : WavSampleFormat.Pcm16;
            if (Path.GetFullPath(inPath) == Path.GetFullPath(outPath))
                throw new InvalidInputException($"{outPath}: output must differ from the input");

            using var reader = WavReader.Open(inPath);
            WavInfo info = reader.Info;
            if (outChannels != 1 && outChannels != info.Channels)
                throw new InvalidInputException($"{inPath}: cannot convert {info.Channels} channel(s) to {outChannels}; use --channels 1 or {info.Channels}");

            await ProgressReporter.RunAsync($"convert {Path.GetFileName(inPath)}", info.Frames, report =>
            {
                Convert(reader, outPath, toRate, outChannels, sampleFormat, report, ct);
                return Task.FromResult(0);
            });
            return CliRunner.ExitOk;
        });
        return command;
    }

    /// <summary>Streams IN → (down-mix) → per-channel resampler → OUT, one block at a time.</summary>
    static void Convert(WavReader reader, string outPath, int toRate, int outChannels, WavSampleFormat format,
                        Action<double, string?> report, CancellationToken ct)
    {
        WavInfo info = reader.Info;
        bool mono = outChannels == 1;
        var resamplers = Enumerable.Range(0, outChannels).Select(_ => new Resampler(info.SampleRate, toRate)).ToArray();
        using var writer = WavWriter.Create(outPath, toRate, outChannels, format);

        var block = new float[BlockFrames * (mono ? 1 : info.Channels)];
        var channel = new float[BlockFrames];
        long done = 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            int frames = mono ? reader.ReadFramesMono(block) : reader.ReadFrames(block);
            if (frames == 0) break;
            var outs = new float[outChannels][];
            for (int c = 0; c < outChannels; c++)
            {
                for (int i = 0; i < frames; i++) channel[i] = block[i * outChannels + c];
                outs[c] = resamplers[c].Process(channel.AsSpan(0, frames));
            }
            WriteInterleaved(writer, outs);
            done += frames;
            report(done, null);
        }
        WriteInterleaved(writer, resamplers.Select(r => r.Flush()).ToArray());
        writer.Complete();
        report(info.Frames, null);
    }

    static void WriteInterleaved(WavWriter writer, float[][] channels)
    {
        int n = channels[0].Length;
        if (channels.Length == 1) { writer.Write(channels[0]); return; }
        var interleaved = new float[n * channels.Length];
        for (int c = 0; c < channels.Length; c++)
            for (int i = 0; i < n; i++) interleaved[i * channels.Length + c] = channels[c][i];
        writer.Write(interleaved);
    }
}
