// The rules of the model's text stream during generation (DESIGN.md §3, forced-text "causal
// TTS"), as a small state machine with no model in it, so it can be tested on its own:
//   Forced    wherever the text head's sampled token is not PAD, the next prompt token is
//             substituted (in order, each exactly once): the model chooses when, the prompt
//             chooses what. End of turn counts as "not PAD" here: the text must be said first.
//             After ForceAfterFrames frames without a token, PAD is masked for the next frame.
//   Continue  the model's own tokens, for a fixed number of frames.
//   Finish    only PAD or end of turn: the model finishes the word it is saying, starts no new one.
//   Done      nothing more to generate.
// A prompt enters Forced, then Continue (if any frames), then Finish (if any), then Done. Without
// a prompt: Continue, then Done. Start of speech is never a token the model may say. With
// EndOfTurnMode.Stop an end of turn outside Forced ends generation; with Suppress it is masked.
namespace Michi.Runtime.Speech;

/// <summary>The token a frame carries, whether it was a substituted prompt token, and whether the
/// model ended its turn with it.</summary>
public readonly record struct TextDecision(int Token, bool Forced, bool EndOfTurn);

public sealed class TextStreamPolicy
{
    public enum Phase { Forced, Continue, Finish, Done }

    private readonly int[] _prompt;
    private readonly int _pad, _startOfSpeech, _endOfTurn, _continueFrames, _finishFrames, _forceAfterFrames;
    private readonly EndOfTurnMode _endOfTurnMode;
    private int _next, _framesInPhase, _padRun;

    public TextStreamPolicy(int[] prompt, SpeechModelInfo ids, int continueFrames, int finishFrames,
        EndOfTurnMode endOfTurn = EndOfTurnMode.Stop, int forceAfterFrames = 0)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentOutOfRangeException.ThrowIfNegative(continueFrames);
        ArgumentOutOfRangeException.ThrowIfNegative(finishFrames);
        ArgumentOutOfRangeException.ThrowIfNegative(forceAfterFrames);
        _prompt = prompt;
        (_pad, _startOfSpeech, _endOfTurn) = (ids.PadId, ids.StartOfSpeechId, ids.EndOfTurnId);
        _continueFrames = continueFrames;
        _finishFrames = finishFrames;
        _endOfTurnMode = endOfTurn;
        _forceAfterFrames = forceAfterFrames;
        Current = prompt.Length > 0 ? Phase.Forced : AfterContinue(Phase.Continue);
    }

    public Phase Current { get; private set; }
    public bool IsDone => Current == Phase.Done;

    /// <summary>Prompt tokens not yet said.</summary>
    public int TokensLeft => _prompt.Length - _next;

    /// <summary>Masks, in place, the tokens this frame may not take (logits → −∞).</summary>
    public void Mask(Span<float> logits)
    {
        logits[_startOfSpeech] = float.NegativeInfinity;
        switch (Current)
        {
            case Phase.Forced:
                if (_forceAfterFrames > 0 && _padRun >= _forceAfterFrames) logits[_pad] = float.NegativeInfinity;
                break;
            case Phase.Continue:
                if (_endOfTurnMode == EndOfTurnMode.Suppress) logits[_endOfTurn] = float.NegativeInfinity;
                break;
            case Phase.Finish:
                for (int i = 0; i < logits.Length; i++)
                    if (i != _pad && (i != _endOfTurn || _endOfTurnMode == EndOfTurnMode.Suppress)) logits[i] = float.NegativeInfinity;
                break;
            case Phase.Done:
                throw new InvalidOperationException("generation is done");
        }
    }

    /// <summary>The frame's token given the text head's (masked, sampled) choice; advances the phase.</summary>
    public TextDecision Decide(int sampled)
    {
        switch (Current)
        {
            case Phase.Forced:
                if (sampled == _pad)
                {
                    _padRun++;
                    return new TextDecision(_pad, Forced: false, EndOfTurn: false);
                }
                int token = _prompt[_next++];
                _padRun = 0;
                if (_next == _prompt.Length) Enter(AfterContinue(Phase.Continue));
                return new TextDecision(token, Forced: true, EndOfTurn: false);
            case Phase.Continue:
            case Phase.Finish:
                bool end = sampled == _endOfTurn && _endOfTurnMode == EndOfTurnMode.Stop;
                _framesInPhase++;
                if (end) Enter(Phase.Done);
                else if (Current == Phase.Continue && _framesInPhase >= _continueFrames) Enter(AfterContinue(Phase.Finish));
                else if (Current == Phase.Finish && _framesInPhase >= _finishFrames) Enter(Phase.Done);
                return new TextDecision(sampled, Forced: false, EndOfTurn: end);
            default:
                throw new InvalidOperationException("generation is done");
        }
    }

    // The first phase at or after `phase` that has frames to run.
    private Phase AfterContinue(Phase phase)
    {
        if (phase == Phase.Continue && _continueFrames > 0) return Phase.Continue;
        if (_prompt.Length > 0 && _finishFrames > 0) return Phase.Finish;
        return Phase.Done;
    }

    private void Enter(Phase phase)
    {
        Current = phase;
        _framesInPhase = 0;
    }
}
