// A whole generation, collected from the stream (offline = streaming, collected), plus the words
// the model spoke: consecutive text tokens grouped at each token that starts a word, timed at
// the first token's expected audio onset (frame + δ).
namespace Michi.Runtime.Speech;

/// <summary>A spoken word: its text, the frame of its first token, when its audio should start.</summary>
public sealed record SpeechWord(string Text, int Frame, double Seconds, int Tokens);

public sealed class SpeechResult
{
    private SpeechResult(float[] samples, IReadOnlyList<SpeechAudioChunk> chunks, IReadOnlyList<SpeechTextToken> tokens, SpeechEnd end, int sampleRate)
    {
        Samples = samples;
        Chunks = chunks;
        Tokens = tokens;
        End = end;
        SampleRate = sampleRate;
        Words = GroupWords(tokens);
    }

    /// <summary>Every chunk's samples, in order.</summary>
    public float[] Samples { get; }

    public int SampleRate { get; }
    public IReadOnlyList<SpeechAudioChunk> Chunks { get; }
    public IReadOnlyList<SpeechTextToken> Tokens { get; }
    public IReadOnlyList<SpeechWord> Words { get; }
    public SpeechEnd End { get; }

    public string Text => string.Concat(Tokens.Select(t => t.Text));
    public double Seconds => (double)Samples.Length / SampleRate;

    public static async Task<SpeechResult> CollectAsync(IAsyncEnumerable<SpeechEvent> events, SpeechModelInfo info)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(info);
        var chunks = new List<SpeechAudioChunk>();
        var tokens = new List<SpeechTextToken>();
        SpeechEnd? end = null;
        await foreach (var e in events.ConfigureAwait(false))
        {
            switch (e)
            {
                case SpeechAudioChunk a: chunks.Add(a); break;
                case SpeechTextToken t: tokens.Add(t); break;
                case SpeechEnd x: end = x; break;
            }
        }
        if (end is null) throw new InvalidOperationException("the speech stream ended without an end event");
        var samples = new float[chunks.Sum(c => (long)c.Samples.Length)];
        int at = 0;
        foreach (var c in chunks)
        {
            c.Samples.CopyTo(samples, at);
            at += c.Samples.Length;
        }
        return new SpeechResult(samples, chunks, tokens, end, info.SampleRate);
    }

    public static IReadOnlyList<SpeechWord> GroupWords(IReadOnlyList<SpeechTextToken> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var words = new List<SpeechWord>();
        int i = 0;
        while (i < tokens.Count)
        {
            int start = i++;
            while (i < tokens.Count && !tokens[i].StartsWord) i++;
            string text = string.Concat(tokens.Skip(start).Take(i - start).Select(t => t.Text)).Trim();
            words.Add(new SpeechWord(text, tokens[start].Frame, tokens[start].AudioSeconds, i - start));
        }
        return words;
    }
}
