// How one speech generation runs (immutable; Validate names the offending option).
// The phases after the prompt text (see TextStreamPolicy):
//   forced    the prompt's tokens, each where the text head says "not PAD";
//   continue  ContinueSeconds of free generation (text and audio);
//   finish    up to FinishSeconds in which the model may end the word it is saying but starts no
//             new one (text limited to PAD / end of turn), so the last word is not cut off.
// Without a text prompt (continuing a recording) only the continue phase runs.
// TextLeadFrames is δ of the training data (Michi.Data FrameAligner: a word's first token comes
// δ frames before its audio): it turns token frames into word times and places a voice prompt's
// transcript. The default text sampling is mildly random (temperature 0.8, top-k 50, top-p
// 0.95): the PAD / not-PAD choice is what paces the speech, and greedy decoding tends to drone.
// Top-k first also keeps top-p from sorting the whole 49k vocabulary every frame (two large
// arrays per frame: garbage collections, see FrameEmbedder on why those matter).
namespace Michi.Runtime.Speech;

/// <summary>What an end-of-turn token from the text head does.</summary>
public enum EndOfTurnMode
{
    /// <summary>Generation ends after the frame that says end of turn (outside the forced phase).</summary>
    Stop,

    /// <summary>End of turn is never chosen: generation runs to its time limits.</summary>
    Suppress,
}

public sealed record SpeechOptions
{
    /// <summary>Hard cap on generated audio, whatever the phases ask for.</summary>
    public double MaxSeconds { get; init; } = 60;

    /// <summary>Free generation after the prompt text (or after the voice prompt when there is no text).</summary>
    public double ContinueSeconds { get; init; }

    /// <summary>After the text and any continuation: time to finish the last word (no new words).</summary>
    public double FinishSeconds { get; init; } = 1.0;

    /// <summary>Euler steps of the speak head; null = the model's flow_steps.</summary>
    public int? FlowSteps { get; init; }

    /// <summary>Noise scale of the flow's source; null = the model's flow_temperature.</summary>
    public double? FlowTemperature { get; init; }

    /// <summary>Sampling of the text head (temperature, top-k, top-p, repetition penalty over spoken
    /// tokens); MaxNewTokens, StopTokenIds and Seed are not used here.</summary>
    public GenerationOptions Text { get; init; } = DefaultText;

    /// <summary>Seeds both the text sampler and the flow noise; null = a fresh seed per call.</summary>
    public long? Seed { get; init; }

    public EndOfTurnMode EndOfTurn { get; init; } = EndOfTurnMode.Stop;

    /// <summary>δ: frames between a token and the start of its audio in the training data.</summary>
    public int TextLeadFrames { get; init; } = 2;

    /// <summary>During the forced phase, after this long without a new token the next one is taken
    /// anyway (PAD is masked), so a model that hesitates still says the whole text; 0 = never.</summary>
    public double ForceTokenAfterSeconds { get; init; } = 2.0;

    /// <summary>Run a frame's vocoder step alongside the next frame's backbone pass (on another
    /// core: SpeechGenerator). Off: one frame after the other on one core, the same output.</summary>
    public bool OverlapVocoder { get; init; } = true;

    public static GenerationOptions DefaultText { get; } = new() { Temperature = 0.8, TopK = 50, TopP = 0.95 };

    /// <summary>Throws InvalidInputException naming the first bad option.</summary>
    public void Validate()
    {
        static bool Finite(double x) => double.IsFinite(x);
        if (!(MaxSeconds > 0 && Finite(MaxSeconds))) throw new InvalidInputException($"max seconds must be > 0 (got {MaxSeconds})");
        if (!(ContinueSeconds >= 0 && Finite(ContinueSeconds))) throw new InvalidInputException($"continue seconds must be ≥ 0 (got {ContinueSeconds})");
        if (!(FinishSeconds >= 0 && Finite(FinishSeconds))) throw new InvalidInputException($"finish seconds must be ≥ 0 (got {FinishSeconds})");
        if (FlowSteps is < 1 or > 1000) throw new InvalidInputException($"flow steps must be in 1..1000 (got {FlowSteps})");
        if (FlowTemperature is { } t && !(t >= 0 && Finite(t))) throw new InvalidInputException($"flow temperature must be ≥ 0 (got {t})");
        if (TextLeadFrames is < 0 or > 100) throw new InvalidInputException($"text lead must be in 0..100 frames (got {TextLeadFrames})");
        if (!(ForceTokenAfterSeconds >= 0 && Finite(ForceTokenAfterSeconds)))
            throw new InvalidInputException($"force-token-after seconds must be ≥ 0 (got {ForceTokenAfterSeconds})");
        if (Text is null) throw new InvalidInputException("text sampling options are missing");
        Text.Validate();
    }

    /// <summary>Whole frames covering <paramref name="seconds"/> (a hair of rounding tolerated).</summary>
    public static int Frames(double seconds, double frameSeconds) => (int)Math.Ceiling(seconds / frameSeconds - 1e-9);
}
