// NAME.json, written beside NAME.wav (24 kHz, 2 channels: user, assistant) for every dialogue:
// per channel its voice and words with absolute times (the WordRecord of UtteranceRecord), and
// the events (turns, overlaps, interruptions, backchannels). Like the utterance record, it is
// the completion marker: written atomically after the WAV; plan_hash ties it to the plan and
// options it was made from, so a stale or foreign file is made again.
using System.Text.Json;
using System.Text.Json.Serialization;
using Michi.Data.Corpus;

namespace Michi.Data.Dialogues;

public sealed record DialogueChannel(
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("engine")] string Engine,
    [property: JsonPropertyName("voice")] string Voice,
    [property: JsonPropertyName("rate")] double Rate,
    [property: JsonPropertyName("pitch")] double Pitch,
    [property: JsonPropertyName("timing")] string Timing,
    [property: JsonPropertyName("words")] IReadOnlyList<WordRecord> Words);

public sealed record DialogueRecord(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("seed")] long Seed,
    [property: JsonPropertyName("plan_hash")] string PlanHash,
    [property: JsonPropertyName("sample_rate")] int SampleRate,
    [property: JsonPropertyName("samples")] long Samples,
    [property: JsonPropertyName("duration")] double Duration,
    [property: JsonPropertyName("channels")] IReadOnlyList<DialogueChannel> Channels,
    [property: JsonPropertyName("events")] IReadOnlyList<DialogueEvent> Events)
{
    static readonly JsonSerializerOptions s_options = new() { WriteIndented = false };

    /// <summary>How many events of <paramref name="type"/> (a DialogueEvent type name) the dialogue has.</summary>
    public int Count(string type) => Events.Count(e => e.Type == type);

    public string ToJson() => JsonSerializer.Serialize(this, s_options);

    /// <summary>Writes atomically: a temp file in the same directory, then a rename over the target.</summary>
    public void Write(string path) => Text.AtomicText.WriteText(path, ToJson() + "\n");

    /// <summary>Reads and checks a record; bad content is an InvalidInputException naming the file.</summary>
    public static DialogueRecord Read(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"{path}: no such file", path);
        if (info.Length > 64 << 20) throw InvalidInputException.ForFile(path, "larger than 64 MiB: not a dialogue record");
        DialogueRecord? r;
        try { r = JsonSerializer.Deserialize<DialogueRecord>(File.ReadAllText(path), s_options); }
        catch (JsonException e) { throw InvalidInputException.ForFile(path, $"not valid dialogue JSON ({e.Message.ReplaceLineEndings(" ")})"); }
        if (r is null || r.Name is null || r.PlanHash is null || r.Channels is null || r.Events is null)
            throw InvalidInputException.ForFile(path, "missing fields (need name, plan_hash, channels, events)");
        if (r.SampleRate <= 0 || r.Samples < 0 || !double.IsFinite(r.Duration) || r.Duration < 0)
            throw InvalidInputException.ForFile(path, "bad sample_rate, samples or duration");
        if (r.Channels.Count != 2 || r.Channels.Any(c => c is null || c.Words is null || c.Voice is null || c.Role is null))
            throw InvalidInputException.ForFile(path, "need two channels (user, assistant), each with voice and words");
        foreach (var c in r.Channels)
        {
            double previous = 0;
            foreach (var w in c.Words)
            {
                if (w is null || w.Word is null || !double.IsFinite(w.Start) || !double.IsFinite(w.End) || w.Start < 0 ||
                    w.End < w.Start || w.Start < previous - 1e-9 || w.End > r.Duration + 1e-6)
                    throw InvalidInputException.ForFile(path, $"{c.Role}: bad word timing {JsonSerializer.Serialize(w)}");
                previous = w.Start;
            }
        }
        foreach (var e in r.Events)
            if (e is null || !DialogueEvent.Types.Contains(e.Type) || !DialogueEvent.Roles.Contains(e.Speaker) ||
                !double.IsFinite(e.Start) || !double.IsFinite(e.End) || e.End < e.Start || e.Start < 0 || e.End > r.Duration + 1e-6)
                throw InvalidInputException.ForFile(path, $"bad event {JsonSerializer.Serialize(e)}");
        return r;
    }
}
