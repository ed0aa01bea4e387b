// A tiny speech corpus on disk and fakes for the codec and tokenizer, for the shard tests:
// utterances of tones whose words are spaced so that no two words' tokens collide, a fake
// encoder whose latents are simple functions of each frame's samples (checkable exactly), and
// a tokenizer giving one token per letter (so words span several frames).
using Michi.Audio;
using Michi.Data.Corpus;
using Michi.Data.Shards;

namespace Michi.Data.Tests.Shards;

internal sealed class FakeEncoder(int sampleRate = 24000, int frameLength = 1920, int latentDim = 3) : ILatentEncoder
{
    public int SampleRate { get; } = sampleRate;
    public int FrameLength { get; } = frameLength;
    public int LatentDim { get; } = latentDim;
    public string Fingerprint { get; init; } = "fake-codec-1";
    public int Calls { get; private set; }

    /// <summary>Latent (f, d) = (d + 1) · mean of frame f's samples (zero-padded) + f / 1000.</summary>
    public float[] Encode(float[] samples, CancellationToken ct = default)
    {
        Calls++;
        int frames = (samples.Length + FrameLength - 1) / FrameLength;
        var z = new float[frames * LatentDim];
        for (int f = 0; f < frames; f++)
        {
            double sum = 0;
            for (int i = f * FrameLength; i < Math.Min(samples.Length, (f + 1) * FrameLength); i++) sum += samples[i];
            for (int d = 0; d < LatentDim; d++) z[f * LatentDim + d] = (float)((d + 1) * sum / FrameLength + f / 1000.0);
        }
        return z;
    }
}

internal static class ShardFixture
{
    /// <summary>One token per character: a leading space is token 1, letters are 2 + (c − 'a').</summary>
    public static ShardTokenizer Letters() => new(text => text.Select(c => c == ' ' ? 1 : 2 + (char.ToLowerInvariant(c) - 'a')).ToArray(), 30, "letters-1");

    /// <summary>Writes NAME.wav (a tone of <paramref name="seconds"/>) and NAME.json with the given words.</summary>
    public static void WriteUtterance(string dir, string name, double seconds, (string Word, double Start, double End)[] words,
        string voice = "fake:a", int rate = 24000, double frequency = 220)
    {
        int n = (int)(seconds * rate);
        var samples = new float[n];
        for (int i = 0; i < n; i++) samples[i] = (float)(0.3 * Math.Sin(2 * Math.PI * frequency * i / rate) + 0.1);
        WavFile.Write(Path.Combine(dir, name + ".wav"), samples, rate);
        var record = new UtteranceRecord(name, string.Join(' ', words.Select(w => w.Word)), "fake", voice, 1, 1, 0, rate, n, n / (double)rate,
            "engine_events", words.Select(w => new WordRecord(w.Word, w.Start, w.End)).ToList());
        record.Write(Path.Combine(dir, name + ".json"));
    }

    /// <summary>Three utterances, 1.6 to 2.4 s, words 0.5 s apart or more.</summary>
    public static string WriteCorpus(string root)
    {
        string dir = Path.Combine(root, "speech");
        Directory.CreateDirectory(dir);
        WriteUtterance(dir, "000000", 2.0, [("hi", 0.30, 0.55), ("there", 0.90, 1.40)], voice: "fake:a");
        WriteUtterance(dir, "000001", 2.4, [("ab", 0.20, 0.60), ("cd", 1.00, 1.30), ("e", 1.80, 2.00)], voice: "fake:b", frequency: 330);
        WriteUtterance(dir, "000002", 1.6, [("go", 0.50, 1.00)], voice: "fake:a", rate: 16000, frequency: 440);
        return dir;
    }
}
