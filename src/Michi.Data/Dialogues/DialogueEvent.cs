// One entry of a dialogue's event list (NAME.json "events"): a turn, the overlap or interruption
// at a change of speaker, or a backchannel. Times are seconds from the start of the WAV.
//   turn:         speaker's span from its first to its last spoken word; text = the words
//                 spoken, dropped = the words an interruption cut off (absent when none).
//   overlap:      the next speaker started before the previous one finished; span = both talking.
//   interruption: the next speaker started mid-turn; span = from its onset to where the
//                 interrupted speaker stopped (at a word boundary).
//   backchannel:  a short listener response ("mm-hm"); text = what was said.
using System.Text.Json.Serialization;

namespace Michi.Data.Dialogues;

public sealed record DialogueEvent(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("speaker")] string Speaker,
    [property: JsonPropertyName("start")] double Start,
    [property: JsonPropertyName("end")] double End,
    [property: JsonPropertyName("text"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Text = null,
    [property: JsonPropertyName("dropped"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Dropped = null)
{
    public const string Turn = "turn", Overlap = "overlap", Interruption = "interruption", Backchannel = "backchannel";
    public static readonly string[] Types = [Turn, Overlap, Interruption, Backchannel];

    /// <summary>Channel 0 is the user, channel 1 the assistant (DESIGN.md §3, full duplex).</summary>
    public static readonly string[] Roles = ["user", "assistant"];
}
