// Transcription with Whisper (Radford et al. 2022, "Robust Speech Recognition via Large-Scale
// Weak Supervision") through Whisper.net 1.9.1, the .NET binding of whisper.cpp. The user gives a
// ggml model file (e.g. ggml-base.en.bin from the whisper.cpp project); none is shipped or
// downloaded. Whisper reads 16 kHz mono. One factory (the loaded weights) is shared; a
// processor is not thread-safe, so each call builds its own (cheap next to decoding).
using System.Security.Cryptography;
using System.Text;
using Michi.Audio;
using Whisper.net;

namespace Michi.Data.Prepare;

public sealed class WhisperTranscriber : ITranscriber, IDisposable
{
    const int WhisperRate = 16000;
    readonly WhisperFactory _factory;
    readonly string _language;

    public WhisperTranscriber(string modelPath, string language = "en")
    {
        if (!File.Exists(modelPath)) throw InvalidInputException.ForFile(modelPath, "Whisper model not found");
        try
        {
            _factory = WhisperFactory.FromPath(modelPath);
            using var probe = _factory.CreateBuilder().WithLanguage(language).Build();   // loads the weights now: a bad file is one error, not one per file
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw InvalidInputException.ForFile(modelPath, $"cannot load as a ggml Whisper model ({e.Message.ReplaceLineEndings(" ")})");
        }
        _language = language;
        var info = new FileInfo(modelPath);
        Fingerprint = $"whisper:{info.Name}:{info.Length}:{language}:{HeadHash(modelPath)}";
    }

    public string Fingerprint { get; }

    public async Task<string> TranscribeAsync(float[] samples, int sampleRate, CancellationToken ct)
    {
        float[] x = sampleRate == WhisperRate ? samples : Resampler.Resample(samples, sampleRate, WhisperRate);
        using var processor = _factory.CreateBuilder().WithLanguage(_language).Build();
        var text = new StringBuilder();
        await foreach (var segment in processor.ProcessAsync(x, ct))
            text.Append(segment.Text).Append(' ');
        return string.Join(' ', text.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>SHA-256 of the first MiB: identifies the weights without reading a GB-sized file on every run.</summary>
    static string HeadHash(string path)
    {
        using var stream = File.OpenRead(path);
        var head = new byte[(int)Math.Min(stream.Length, 1 << 20)];
        stream.ReadExactly(head);
        return Convert.ToHexStringLower(SHA256.HashData(head))[..16];
    }

    public void Dispose() => _factory.Dispose();
}
