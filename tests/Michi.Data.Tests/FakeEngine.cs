// A TTS engine for tests: each word is a tone burst (60 ms per letter / rate, 200 Hz × pitch)
// followed by a 50 ms gap, with exact word times; deterministic, instant, and able to fail on
// request. Lets the corpus writer, voice selection and resume logic be tested without engines.
using Michi.Data.Synthesis;

namespace Michi.Data.Tests;

public sealed class FakeEngine(string name = "fake", params string[] voices) : ITtsEngine
{
    int _calls;

    public string Name => name;
    public string InstallHint => "nothing (test engine)";
    public bool Available { get; init; } = true;
    public Func<string, bool> FailsOn { get; init; } = _ => false;
    public int Calls => _calls;

    public bool IsAvailable() => Available;

    public IReadOnlyList<TtsVoice> Voices =>
        Available ? [.. (voices.Length == 0 ? ["a", "b"] : voices).Select(v => new TtsVoice(name, v, "test voice"))] : [];

    public Task<SynthResult> SynthesizeAsync(string text, string voice, double rate, double pitch, CancellationToken ct = default)
    {
        Interlocked.Increment(ref _calls);
        if (FailsOn(text)) throw new InvalidOperationException($"fake failure on '{text}'");
        return Task.FromResult(Speak(text, rate, pitch));
    }

    public static SynthResult Speak(string text, double rate = 1, double pitch = 1)
    {
        const int sr = SynthResult.SampleRate;
        var samples = new List<float>();
        var words = new List<WordTiming>();
        samples.AddRange(new float[(int)(0.1 * sr)]);
        foreach (var (word, _) in TextWords.Split(text))
        {
            int n = (int)(0.06 * Math.Max(1, word.Count(char.IsLetterOrDigit)) / rate * sr);
            double start = (double)samples.Count / sr;
            for (int i = 0; i < n; i++) samples.Add(0.5f * MathF.Sin(2 * MathF.PI * (float)(200 * pitch) * i / sr));
            words.Add(new WordTiming(word, start, (double)samples.Count / sr));
            samples.AddRange(new float[(int)(0.05 * sr)]);
        }
        return new SynthResult([.. samples], [.. words], WordTimingSource.EngineEvents);
    }
}
