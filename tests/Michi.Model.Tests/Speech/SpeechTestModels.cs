// Tiny speech models for the tests: over the tiny-llama fixture backbone (real pretrained-style
// weights, with expected logits from Hugging Face) or a random Tiny backbone.
using Michi.Model.Backbone;
using Michi.Model.Speech;
using Michi.Tests.Fixtures;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Tests.Speech;

internal static class SpeechTestModels
{
    /// <summary>SpeechLmConfig.Tiny over the fixture backbone, loaded in float32.</summary>
    public static SpeechLm FixtureModel(Func<SpeechLmConfig, SpeechLmConfig>? adjust = null)
    {
        var hf = HfModelDirectory.Load(TinyLlamaFixture.Directory);
        var config = SpeechLmConfig.Tiny with { Backbone = hf.Config };
        return new SpeechLm(adjust?.Invoke(config) ?? config, hf.Model);
    }

    /// <summary>Adds N(0, scale²) noise to every head parameter, so that no head sits at its
    /// (partly zero) initialisation and a round trip has something to lose.</summary>
    public static void PerturbHeads(SpeechLm model, long seed, double scale = 0.05)
    {
        using var noGrad = torch.no_grad();
        var rng = new Generator((ulong)seed);
        foreach (var p in model.Heads.parameters())
        {
            using var noise = torch.randn(p.shape, generator: rng) * scale;
            p.add_(noise.to(p.dtype));
        }
    }

    public static Tensor Ids(params long[] ids) => torch.tensor(ids).view(1, -1);
}
