// What `michi eval speech` measured (EvalSpeechRun), as records that serialise to results.json
// and --json in snake_case, and the summary that goes on the first lines of both. Kept apart from
// the run so the numbers' meaning is in one place:
//   wer_ratio        model WER / pooled TTS WER on the same sentences (issue 7 target ≤ 1.5);
//   clone_accuracy   share of clone outputs whose closest prompt (VoiceSimilarity) is their own
//                    (target ≥ 70 %; chance 1 / clone voices);
//   similarity_*     the same identification with the TTS voice itself saying the target sentence
//                    instead of the model: the measure's ceiling on this pool, and on all voices;
//   ttfa_ms / rtf    medians over the sentence generations (first audible chunk from the call,
//                    generation wall time / audio seconds; targets ≤ 50 ms and ≤ 0.2).
using System.Text.Json;
using Michi.Cli.Infrastructure;
using Michi.Data.Evaluation;
using Michi.Data.Prepare;

namespace Michi.Cli.Commands;

sealed record GenerationTiming(double TtfaMs, string TtfaBasis, double FirstChunkMs, double Rtf, double WallMs, double Seconds);

sealed record ModelSentence(int Index, string Text, string File, string Heard, int Edits, int ReferenceWords, double Wer,
                            int PromptTokensLeft, GenerationTiming Timing);

sealed record TtsSentence(int Index, string File, double Seconds, string Heard, int Edits, int ReferenceWords, double Wer);

sealed record TtsVoiceResult(string Voice, double Wer, int Edits, int ReferenceWords, IReadOnlyList<TtsSentence> Sentences);

/// <summary>One clone output: its distance to every clone voice's prompt (voice id → distance).</summary>
sealed record CloneOutput(string Voice, string Prompt, string Output, string Closest, bool Correct, double OwnDistance,
                          double NearestOtherDistance, IReadOnlyDictionary<string, double> Distances, string ProfileFrames,
                          string Heard, double Wer, GenerationTiming Timing);

/// <summary>A TTS voice's target-sentence recording identified against the prompts (the measure's check).</summary>
sealed record SimilarityCheck(string Voice, string Closest, bool Correct, double OwnDistance, double NearestOtherDistance);

sealed record EvalSpeechSummary(
    string Model, string Sentences, string Recognizer, long Seed, int SentenceCount, int ReferenceWords,
    double ModelWer, double TtsWer, double? WerRatio, IReadOnlyDictionary<string, double> TtsWerByVoice,
    int CloneVoices, double? CloneAccuracy, double? CloneChance, double? CloneOwnDistance, double? CloneNearestOtherDistance,
    double? SimilarityAccuracyClonePool, double? SimilarityAccuracyAllVoices, int SimilarityVoices,
    double TtfaMs, double TtfaMaxMs, double Rtf, double? CloneTtfaMs, double? CloneRtf, double ModelSeconds,
    string? Plot)
{
    public const double WerRatioTarget = 1.5, CloneAccuracyTarget = 0.7, TtfaTargetMs = 50, RtfTarget = 0.2;
}

sealed record EvalSpeechResults(EvalSpeechSummary Summary, IReadOnlyList<ModelSentence> Model, IReadOnlyList<TtsVoiceResult> Tts,
                                IReadOnlyList<CloneOutput> Clones, IReadOnlyList<SimilarityCheck> SimilarityClonePool,
                                IReadOnlyList<SimilarityCheck> SimilarityAllVoices)
{
    public void Write(string path)
    {
        var options = new JsonSerializerOptions(JsonOutput.Options) { WriteIndented = true };
        AtomicFile.WriteText(path, JsonSerializer.Serialize(this, options) + "\n");
    }

    public static SimilarityCheck[] Checks(IReadOnlyList<string> voices, IReadOnlyList<Identification> identified) =>
        [.. identified.Select((r, i) => new SimilarityCheck(voices[i], voices[r.Closest], r.Correct, r.OwnDistance, r.NearestOtherDistance))];
}
