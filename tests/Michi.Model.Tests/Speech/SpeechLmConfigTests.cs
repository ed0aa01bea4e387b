// SpeechLmConfig: JSON round trip with derived ids, validation messages, presets and the
// parameter count of the paper preset (counted on the meta device).
using Michi.Model.Backbone;
using Michi.Model.Speech;
using Michi.Tests.Fixtures;

namespace Michi.Model.Tests.Speech;

public sealed class SpeechLmConfigTests
{
    [Fact]
    public void JsonRoundTripKeepsEverythingAndWritesTheDerivedIds()
    {
        using var scratch = new ScratchDirectory();
        var config = SpeechLmConfig.Tiny with { FlowSteps = 3, FlowLossWeight = 0.5 };
        config.Save(scratch.Path);
        string json = File.ReadAllText(scratch.File(SpeechLmConfig.FileName));
        Assert.Contains($"\"pad_token_id\": {config.PadId}", json);
        Assert.Contains($"\"vocab_size\": {config.TextVocabSize + 3}", json);
        var loaded = SpeechLmConfig.Load(scratch.Path);             // backbone from backbone_preset "tiny"
        Assert.Equal(config.ToJson(), loaded.ToJson());
        Assert.Equal(LlamaConfig.Tiny, loaded.Backbone);
    }

    [Fact]
    public void InvalidConfigsAreRefusedWithTheField()
    {
        Assert.Contains("listen_window_frames", (SpeechLmConfig.Tiny with { ListenWindowFrames = 2 }).Validate());
        Assert.Contains("text_vocab_size", (SpeechLmConfig.Tiny with { TextVocabSize = 5 }).Validate());
        Assert.Contains("latent_dim", (SpeechLmConfig.Tiny with { LatentDim = 0 }).Validate());
        Assert.Null(SpeechLmConfig.Tiny.Validate());
        Assert.Null(SpeechLmConfig.Paper.Validate());

        using var scratch = new ScratchDirectory();
        File.WriteAllText(scratch.File("config.json"), "{\"model_type\": \"michi_speech_lm\", \"text_vocab_size\": 959}");
        var e = Assert.Throws<InvalidInputException>(() => SpeechLmConfig.Load(scratch.Path));
        Assert.Contains("backbone", e.Message);
        File.WriteAllText(scratch.File("config.json"), "{\"model_type\": \"michi_speech_lm\", \"backbone_preset\": \"tiny\", \"text_vocab_size\": 959, \"flow_steps\": 0}");
        e = Assert.Throws<InvalidInputException>(() => SpeechLmConfig.Load(scratch.Path));
        Assert.Contains("flow_steps", e.Message);
    }

    [Fact]
    public void PaperPresetParameterCount()
    {
        long total = SpeechLm.CountParameters(SpeechLmConfig.Paper);
        long backbone = 361_821_120;   // SmolLM2-360M, tied (Hugging Face's count)
        long heads = total - backbone;
        // Computed independently from the shapes: audio-in, added rows, speak head, listen head.
        var c = SpeechLmConfig.Paper;
        long w = c.SpeakHeadWidth, h = c.HiddenSize, d = c.LatentDim, lw = c.ListenHeadWidth;
        long audioIn = 2 * (d * h + h);
        long added = 3 * h;
        long speak = (d * w + w) + (h * w + w) + (256 * w + w) + (w * w + w)
                   + c.SpeakHeadDepth * (2 * w + 2 * (w * w + w) + (w * 3 * w + 3 * w))
                   + (w * d + d) + (w * 2 * w + 2 * w);
        long listen = (c.ListenWindowFrames * d * lw + lw) + c.ListenHeadDepth * (2 * lw + (lw * 2 * lw + 2 * lw) + (2 * lw * lw + lw))
                    + 2 * lw + (lw * c.VocabSize + c.VocabSize);
        Assert.Equal(audioIn + added + speak + listen, heads);
    }
}
