// Frame-by-frame generation with a session (KV cache, listen window) equals the teacher-forced
// batched pass over the same inputs: one code path, with and without a cache.
using Michi.Model.Speech;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Tests.Speech;

public sealed class FrameStepTests
{
    [Fact]
    public void StepByStepWithTheCacheEqualsTheBatchedForward()
    {
        torch.manual_seed(3);
        using var model = SpeechLm.Create(SpeechLmConfig.Tiny);
        SpeechTestModels.PerturbHeads(model, seed: 3);
        model.eval();
        var c = model.Config;
        int d = c.LatentDim;
        // Two text-only positions (a prompt), then five speech frames.
        long[] modelTokens = [11, 12, c.StartOfSpeechId, 40, c.PadId, 41, c.EndOfTurnId];
        long[] userTokens = [-1, -1, c.PadId, c.PadId, 300, c.PadId, c.PadId];
        bool[] speech = [false, false, true, true, true, true, true];
        int t = modelTokens.Length;
        var rng = new Generator(4);
        using var modelLatents = torch.randn(1, t, d, generator: rng);
        using var userLatents = torch.randn(1, t, d, generator: rng);
        using var inputsTokens = torch.tensor(modelTokens).view(1, -1);
        using var inputsUser = torch.tensor(userTokens).view(1, -1);
        using var mask = torch.tensor(speech).view(1, -1);
        using var full = model.Forward(new SpeechLmInputs(inputsTokens)
            { UserTokens = inputsUser, ModelLatents = modelLatents, UserLatents = userLatents, SpeechMask = mask });

        using var session = model.NewSession(capacity: 16);
        using (var prompt = model.StepText(session, [11, 12]))
            AssertSame(full, 1, prompt);
        for (int i = 2; i < t; i++)
        {
            using var step = model.StepFrame(session, (int)modelTokens[i], modelLatents[0, i], (int)userTokens[i], userLatents[0, i]);
            AssertSame(full, i, step);
        }
        Assert.Equal(t, session.Position);

        // The listen head streamed one frame at a time equals its offline pass.
        using var offline = model.ListenLogits(userLatents);                               // (1, T, V')
        for (int i = 0; i < t; i++)
        {
            using var streamed = model.ListenStep(session, userLatents[0, i]);              // (1, V')
            Assert.True(streamed[0].allclose(offline[0, i], rtol: 1e-5, atol: 1e-5), $"listen frame {i}");
        }

        // Reset starts a fresh conversation with the same results.
        session.Reset();
        using var again = model.StepText(session, [11, 12]);
        AssertSame(full, 1, again);
    }

    private static void AssertSame(SpeechLmOutput full, int position, SpeechLmStep step)
    {
        Assert.True(step.TextLogits[0].allclose(full.TextLogits[0, position], rtol: 1e-4, atol: 1e-4),
            $"logits at {position}: max diff {(step.TextLogits[0] - full.TextLogits[0, position]).abs().max().item<float>()}");
        Assert.True(step.Hidden[0].allclose(full.Hidden[0, position], rtol: 1e-4, atol: 1e-5), $"h at {position}");
    }
}
