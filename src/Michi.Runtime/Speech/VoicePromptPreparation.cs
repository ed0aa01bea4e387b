// Turns reference audio into frames of the model's own stream (DESIGN.md §3, audio-prompt
// continuation / zero-shot cloning): resampled to the model's rate, checked (long enough, not
// silent), cut to whole frames (a partial last frame is dropped rather than padded with a
// silence the model would continue), encoded by the listen encoder, and given one text token
// per frame in the training data's alignment (a word's tokens start δ frames before its audio):
// - no transcript: the listen text head's tokens, which come ListenLagFrames after the word's
//   audio starts, are moved lag + δ frames earlier (clipped at frame 0, order kept, a token that
//   lands on an occupied frame is pushed to the next free one, as FrameAligner does);
// - a transcript without timings (the runtime has no forced aligner): its tokens are spread
//   evenly over the voiced part of the audio (frames above −40 dBFS), shifted δ earlier. Word
//   boundaries are approximate, but every token is there, in order.
namespace Michi.Runtime.Speech;

/// <summary>A voice prompt ready for the model's stream: one latent and one token per frame.</summary>
public sealed record PreparedVoice(float[][] Latents, int[] Tokens, bool TranscriptHeard)
{
    public int Frames => Latents.Length;
}

public static class VoicePromptPreparation
{
    public static PreparedVoice Prepare(ISpeechModel model, VoicePrompt voice, Func<string, int[]>? tokenize, int lead)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(voice);
        var info = model.Info;
        if (voice.Samples is null || voice.SampleRate <= 0) throw InvalidInputException.ForFile(voice.Source, "no audio");
        float[] samples = voice.SampleRate == info.SampleRate
            ? voice.Samples
            : Michi.Audio.Resampler.Resample(voice.Samples, voice.SampleRate, info.SampleRate);
        double seconds = (double)samples.Length / info.SampleRate;
        if (seconds < VoicePrompt.MinSeconds)
            throw InvalidInputException.ForFile(voice.Source, $"voice prompt is {seconds:0.00} s long; at least {VoicePrompt.MinSeconds:0.#} s is needed");
        double level = AudioLevel.RmsDbfs(samples);
        if (level < VoicePrompt.SilenceDbfs)
            throw InvalidInputException.ForFile(voice.Source, $"voice prompt is silent (RMS {level:0} dBFS, below {VoicePrompt.SilenceDbfs:0} dBFS)");

        int frames = samples.Length / info.FrameLength;
        float[] whole = samples.Length == frames * info.FrameLength ? samples : samples[..(frames * info.FrameLength)];
        var latents = model.EncodeAudio(whole);
        if (latents.Length != frames) throw new InvalidOperationException($"the encoder gave {latents.Length} latents for {frames} frames");

        if (voice.Transcript is { } transcript)
        {
            if (tokenize is null) throw new InvalidInputException("a voice transcript needs the model's tokenizer, and this model has none");
            int[] ids = tokenize(transcript);
            if (ids.Length > frames)
                throw InvalidInputException.ForFile(voice.Source, $"the transcript has {ids.Length} tokens, more than the prompt's {frames} frames");
            var voiced = new bool[frames];
            for (int f = 0; f < frames; f++)
                voiced[f] = AudioLevel.IsAudible(whole.AsSpan(f * info.FrameLength, info.FrameLength));
            return new PreparedVoice(latents, SpreadTokens(ids, voiced, lead, info.PadId), TranscriptHeard: false);
        }
        var heard = model.ListenTokens(latents);
        return new PreparedVoice(latents, AlignHeardTokens(heard, info.ListenLagFrames, lead, info), TranscriptHeard: true);
    }

    /// <summary>Listen-head tokens (one per frame, lag frames after their audio) → the model
    /// stream's alignment (δ frames before their audio). Special tokens are dropped.</summary>
    public static int[] AlignHeardTokens(int[] heard, int lag, int lead, SpeechModelInfo ids)
    {
        ArgumentNullException.ThrowIfNull(heard);
        var tokens = new int[heard.Length];
        Array.Fill(tokens, ids.PadId);
        int cursor = 0;
        for (int f = 0; f < heard.Length; f++)
        {
            int t = heard[f];
            if (t == ids.PadId || t == ids.StartOfSpeechId || t == ids.EndOfTurnId) continue;
            int at = Math.Max(f - lag - lead, cursor);
            if (at >= tokens.Length) break;
            tokens[at] = t;
            cursor = at + 1;
        }
        return tokens;
    }

    /// <summary>Spreads <paramref name="ids"/> evenly over the voiced frames (shifted δ earlier),
    /// widening the span when it has fewer frames than tokens. Needs ids.Length ≤ frames.</summary>
    public static int[] SpreadTokens(int[] ids, bool[] voiced, int lead, int padId)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(voiced);
        int frames = voiced.Length;
        if (ids.Length > frames) throw new ArgumentException($"{ids.Length} tokens do not fit {frames} frames", nameof(ids));
        var tokens = new int[frames];
        Array.Fill(tokens, padId);
        if (ids.Length == 0) return tokens;
        int first = Array.IndexOf(voiced, true), last = Array.LastIndexOf(voiced, true);
        if (first < 0) (first, last) = (0, frames - 1);
        int start = Math.Max(0, first - lead), end = Math.Max(start, last - lead);
        while (end - start + 1 < ids.Length)
        {
            if (end < frames - 1) end++;
            else start--;
        }
        int span = end - start + 1;
        for (int k = 0; k < ids.Length; k++)
            tokens[start + (int)((long)k * span / ids.Length)] = ids[k];
        return tokens;
    }
}
