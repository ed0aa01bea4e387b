// A tiny real speech model for the generator tests: SpeechLmConfig.Tiny over the tiny-llama
// fixture backbone (with its tokenizer), seeded random heads nudged off their zero
// initialisation (so the speak head's output depends on h), and a seeded random Tiny codec.
using Michi.Model.Backbone;
using Michi.Model.Codec;
using Michi.Model.Speech;
using Michi.Runtime.Speech;
using Michi.Tests.Fixtures;
using TorchSharp;

namespace Michi.Runtime.Tests.Speech;

internal static class TinySpeechModel
{
    public static SpeechModel Create(long seed = 1, SpeechModelOptions? options = null)
    {
        var (lm, codec, tokenizer) = Parts(seed);
        return new SpeechModel(lm, codec, tokenizer, options);
    }

    /// <summary>Held while seeding LibTorch's global generator and building from it: test classes
    /// run in parallel, and another class's draws in between would change the weights.</summary>
    public static readonly Lock GlobalRandom = new();

    public static (SpeechLm Lm, AudioCodec Codec, Michi.Model.Text.TextTokenizer Tokenizer) Parts(long seed, CodecConfig? codecConfig = null)
    {
        lock (GlobalRandom) return Build(seed, codecConfig);
    }

    private static (SpeechLm, AudioCodec, Michi.Model.Text.TextTokenizer) Build(long seed, CodecConfig? codecConfig)
    {
        torch.manual_seed(seed);
        var hf = HfModelDirectory.Load(TinyLlamaFixture.Directory, torch.ScalarType.Float32);
        var lm = new SpeechLm(SpeechLmConfig.Tiny with { Backbone = hf.Config }, hf.Model);
        using (torch.no_grad())
        {
            var rng = new torch.Generator((ulong)seed + 1);
            foreach (var p in lm.Heads.parameters())
            {
                using var noise = torch.randn(p.shape, generator: rng) * 0.05;
                p.add_(noise);
            }
        }
        var codec = new AudioCodec(codecConfig ?? CodecConfig.Tiny);
        return (lm, codec, hf.Tokenizer);
    }

    /// <summary>The test options: sampled text (so seeds matter), a short finish.</summary>
    public static SpeechOptions Options(long seed) => new() { Seed = seed, FinishSeconds = 0.4, Text = new GenerationOptions { Temperature = 1.0 } };
}
