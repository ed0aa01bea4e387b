// The real engines, as installed by scripts/setup.sh (scripts/apt-packages.txt). Each test is a
// few short utterances: timings must be complete and plausible, and rate and pitch must act.
using Michi.Data.Evaluation;
using Michi.Data.Synthesis;

namespace Michi.Data.Tests;

public class EngineTests
{
    const string Text = "Hello there, how are you today?";

    public static TheoryData<string, string> Voices => new()
    {
        { "espeak", "en-us" }, { "flite", "slt" }, { "festival", "kal_diphone" }, { "rhvoice", "slt" }, { "pico", "en-US" },
    };

    static ITtsEngine Engine(string name) => VoiceCatalog.Installed().Engines.Single(e => e.Name == name);

    [Theory]
    [MemberData(nameof(Voices))]
    public async Task SpeaksWithOneTimingPerWord(string engine, string voice)
    {
        var e = Engine(engine);
        Assert.True(e.IsAvailable(), $"{engine} is not installed: apt install {e.InstallHint}");
        Assert.Contains(e.Voices, v => v.Name == voice);
        var r = await e.SynthesizeAsync(Text, voice, 1.0, 1.0);
        Assert.InRange(r.DurationSeconds, 1.0, 5.0);
        Assert.Equal(TextWords.Split(Text).Select(w => w.Word), r.Words.Select(w => w.Word));
        for (int i = 0; i < r.Words.Length; i++)
        {
            Assert.True(r.Words[i].End > r.Words[i].Start, $"{r.Words[i]} is empty");
            Assert.True(r.Words[i].End <= r.DurationSeconds + 1e-6);
            if (i > 0) Assert.True(r.Words[i].Start >= r.Words[i - 1].End - 1e-6, $"{r.Words[i]} overlaps {r.Words[i - 1]}");
        }
        // The first word starts where sound starts (every method, exact or aligned, within 60 ms).
        double onset = TimingError.EnergyOnsets(r.Samples24k, SynthResult.SampleRate)[0];
        Assert.True(Math.Abs(r.Words[0].Start - onset) < 0.06, $"first word at {r.Words[0].Start:0.000}, sound at {onset:0.000}");
    }

    [Theory]
    [MemberData(nameof(Voices))]
    public async Task RateAndPitchAct(string engine, string voice)
    {
        var e = Engine(engine);
        const string Short = "How are you today?";
        var slow = await e.SynthesizeAsync(Short, voice, 0.8, 1.0);
        var fast = await e.SynthesizeAsync(Short, voice, 1.25, 1.0);
        Assert.True(slow.Words[^1].End > 1.2 * fast.Words[^1].End, $"slow {slow.Words[^1].End:0.00} s vs fast {fast.Words[^1].End:0.00} s");
        var low = await e.SynthesizeAsync(Short, voice, 1.0, 0.85);
        var high = await e.SynthesizeAsync(Short, voice, 1.0, 1.15);
        double f0Low = Pitch.MedianF0(low.Samples24k, SynthResult.SampleRate), f0High = Pitch.MedianF0(high.Samples24k, SynthResult.SampleRate);
        Assert.True(f0High > 1.1 * f0Low, $"F0 {f0Low:0} Hz at pitch 0.85, {f0High:0} Hz at 1.15");
    }

    [Fact]
    public async Task ForcedAlignmentAgreesWithExactTimes()
    {
        // flite's times are exact; pocketsphinx must land within a few frames of them.
        var r = await Engine("flite").SynthesizeAsync("The birch canoe slid on the smooth planks, and nobody said a word.", "rms", 1.0, 1.0);
        Assert.Equal(WordTimingSource.UtteranceStructure, r.Timing);
        var aligned = await PocketsphinxAligner.Default.AlignAsync(r.Samples24k, SynthResult.SampleRate, [.. r.Words.Select(w => w.Word)]);
        Assert.NotNull(aligned);
        var stats = ErrorStats.Of(TimingError.AgainstReference(aligned, r.Words).Select(Math.Abs));
        Assert.Equal(r.Words.Length, stats.Count);
        Assert.True(stats.Median < 0.03 && stats.P95 < 0.08, $"median {stats.Median * 1000:0} ms, p95 {stats.P95 * 1000:0} ms");
    }

    [Fact]
    public void FliteLexiconPronouncesUnknownWords()
    {
        Assert.Equal(["HH", "AH", "L", "OW"], FliteLexicon.Pronounce("hello") ?? []);
        var made = FliteLexicon.Pronounce("blorptastic");   // not in any dictionary: letter-to-sound rules
        Assert.NotNull(made);
        Assert.All(made, p => Assert.Matches("^[A-Z]{1,2}$", p));
    }
}

public class FestivalEngineTests
{
    [Fact]
    public async Task APooledProcessGivesTheSameAudioAsAFreshOne()
    {
        var pooled = new FestivalEngine();
        var first = await pooled.SynthesizeAsync("Good morning.", "kal_diphone", 1.1, 0.95);
        await pooled.SynthesizeAsync("Something else in another voice.", "cmu_us_slt_arctic_hts", 0.9, 1.05);
        var again = await pooled.SynthesizeAsync("Good morning.", "kal_diphone", 1.1, 0.95);
        var fresh = await new FestivalEngine().SynthesizeAsync("Good morning.", "kal_diphone", 1.1, 0.95);
        Assert.Equal(fresh.Samples24k, first.Samples24k);
        Assert.Equal(fresh.Samples24k, again.Samples24k);
        Assert.Equal(fresh.Words, again.Words);
    }

    [Fact]
    public async Task SchemeSpecialCharactersAreSpokenNotExecuted()
    {
        var r = await new FestivalEngine().SynthesizeAsync("He said \"stop\\\") (exit)\" and left.", "kal_diphone", 1, 1);
        Assert.Equal(6, r.Words.Length);
        Assert.True(r.DurationSeconds > 1);
    }

    [Fact]
    public void ScriptIsOneFormWithASuccessMarker()
    {
        string script = FestivalEngine.Script("a \"quoted\" \\ word", "kal_diphone", 1.25, 0.9, "/tmp/x.wav");
        Assert.StartsWith("(begin", script);
        Assert.Contains("a \\\"quoted\\\" \\\\ word", script);
        Assert.Contains("(Parameter.set 'Duration_Stretch 0.8)", script);
        Assert.Contains("MICHI-OK", script);
        Assert.Equal(0, Balance(script));
    }

    /// <summary>Open minus close parentheses outside string literals.</summary>
    static int Balance(string script)
    {
        int depth = 0;
        bool inString = false;
        for (int i = 0; i < script.Length; i++)
        {
            char c = script[i];
            if (inString && c == '\\') { i++; continue; }
            if (c == '"') inString = !inString;
            else if (!inString && c == '(') depth++;
            else if (!inString && c == ')') depth--;
        }
        return depth;
    }
}
