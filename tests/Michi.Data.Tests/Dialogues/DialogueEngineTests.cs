// One dialogue with a real engine (flite, as installed by scripts/setup.sh): the words recorded
// for each channel must sit on that channel's sound, and the backchannel texts must come out as
// one word each (so the text stream gets what was said).
using Michi.Audio;
using Michi.Data.Dialogues;
using Michi.Data.Synthesis;

namespace Michi.Data.Tests.Dialogues;

public class DialogueEngineTests
{
    [Fact]
    public async Task FliteDialogueWordsSitOnTheirChannelsSound()
    {
        var flite = VoiceCatalog.Installed().Engines.Single(e => e.Name == "flite");
        Assert.True(flite.IsAvailable(), $"flite is not installed: apt install {flite.InstallHint}");
        var voices = flite.Voices.Where(v => v.Name is "slt" or "rms").Select(v => new EngineVoice(flite, v)).ToArray();
        var options = new DialogueOptions { Seed = 2, OverlapRatio = 0.2, InterruptionRatio = 0.6, BackchannelRate = 20, TurnsMin = 4, TurnsMax = 4 };
        string dir = Directory.CreateTempSubdirectory("michi-dialogue-engine-").FullName;
        try
        {
            var s = await DialogueWriter.RunAsync(new DialogueRequest(DialogueTestData.Lines, voices, dir, 1, null, 1, options));
            Assert.Equal(0, s.Failed);
            var record = DialogueRecord.Read(Path.Combine(dir, "000000.json"));
            var audio = WavFile.Read(Path.Combine(dir, "000000.wav"));
            Assert.Equal(4, record.Count(DialogueEvent.Turn));
            Assert.True(record.Count(DialogueEvent.Interruption) >= 1, "no interruption to check the cut on");
            Assert.All(record.Events.Where(e => e.Type == DialogueEvent.Backchannel), e => Assert.Contains(e.Text, DialogueLayout.BackchannelTexts));
            for (int c = 0; c < 2; c++)
            {
                bool[] active = DialogueTestData.Active(audio.Channels[c]);
                var words = record.Channels[c].Words.Where(w => w.End - w.Start >= 0.08).ToList();
                Assert.NotEmpty(words);
                // Real speech has stop closures inside words: most of each word, not all, is sound.
                foreach (var w in words)
                {
                    int a = (int)(w.Start / 0.01), b = (int)Math.Ceiling(w.End / 0.01);
                    int on = Enumerable.Range(a, b - a).Count(h => h < active.Length && active[h]);
                    Assert.True(on >= 0.5 * (b - a), $"{record.Channels[c].Role} '{w.Word}' {w.Start}-{w.End}: {on}/{b - a} hops with sound");
                }
                // Sound outside the channel's words (±100 ms) would be the other speaker's, or a dropped word's.
                var all = record.Channels[c].Words;
                int stray = Enumerable.Range(0, active.Length).Count(h => active[h] && !all.Any(w => h * 0.01 >= w.Start - 0.1 && h * 0.01 <= w.End + 0.1));
                Assert.True(stray <= 2, $"{record.Channels[c].Role}: {stray} hops of sound outside its words");
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
