// A tiny speech model learns to say one short synthetic utterance within seconds: the joint
// loss falls, and generating frame by frame (its own tokens and latents fed back) reproduces
// the aligned tokens and lands near the target latents.
using Michi.Model.Speech;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Tests.Speech;

public sealed class OverfitTests(Xunit.Abstractions.ITestOutputHelper o)
{
    [Fact]
    public void TinyModelLearnsOneUtterance()
    {
        torch.manual_seed(5);
        // Many noise draws per frame: with only 8 frames, one draw each would make a noisy flow loss.
        using var model = SpeechTestModels.FixtureModel(c => c with { FlowSamplesPerFrame = 32 });
        var c = model.Config;
        int d = c.LatentDim, frames = 8;
        var rng = new Generator(6);

        // The utterance: one latent per frame, its word tokens aligned one per frame, PAD between.
        using var targetLatents = torch.randn(frames, d, generator: rng);                         // (F, D)
        long[] tokens = [101, 202, c.PadId, 303, c.PadId, c.PadId, 404, c.EndOfTurnId];
        using var userLatents = torch.randn(1, frames, d, generator: rng);                        // heard audio
        long[] heard = [c.PadId, c.PadId, 505, c.PadId, 606, c.PadId, c.PadId, c.PadId];

        // Position 0 is the text-only start-of-speech token; position p ≥ 1 is frame p, fed the
        // model's token and latent of frame p − 1. Position p predicts frame p's token and latent.
        long[] inputTokens = [c.StartOfSpeechId, .. tokens[..^1]];
        using var prevLatents = torch.cat([torch.zeros(1, d), targetLatents.narrow(0, 0, frames - 1)], 0).unsqueeze(0);
        bool[] speech = [false, .. Enumerable.Repeat(true, frames - 1)];
        long[] userTokens = [SpeechLmInputs.NoToken, .. heard[1..]];
        using var inputs = new Disposables();
        var batch = new SpeechLmInputs(inputs.Add(torch.tensor(inputTokens).view(1, -1)))
        {
            UserTokens = inputs.Add(torch.tensor(userTokens).view(1, -1)),
            ModelLatents = prevLatents,
            UserLatents = userLatents,
            SpeechMask = inputs.Add(torch.tensor(speech).view(1, -1)),
        };
        var targets = new SpeechLmTargets(inputs.Add(torch.tensor(tokens).view(1, -1)))
        {
            Latents = inputs.Add(targetLatents.unsqueeze(0)),
            UserTextTargets = inputs.Add(torch.tensor(heard).view(1, -1)),
        };

        double before = GenerationError(model, targetLatents, heard, userLatents, out _);
        using var optimizer = torch.optim.Adam(model.parameters(), lr: 3e-3);
        var history = new List<(float Total, float Text, float Flow, float Listen)>();
        model.train();
        for (int step = 0; step < 200; step++)
        {
            using var scope = torch.NewDisposeScope();
            var loss = SpeechLmLoss.Joint(model, batch, targets, rng);
            optimizer.zero_grad();
            loss.Total.backward();
            optimizer.step();
            history.Add((loss.Total.item<float>(), loss.Text.item<float>(), loss.Flow!.item<float>(), loss.Listen!.item<float>()));
        }
        model.eval();
        var first = history[0];
        var last = history.TakeLast(10).Aggregate((a, b) => (a.Total + b.Total, a.Text + b.Text, a.Flow + b.Flow, a.Listen + b.Listen));
        Assert.True(last.Total / 10 < 0.2 * first.Total, $"total loss {first.Total} → {last.Total / 10}");
        Assert.True(last.Text / 10 < 0.1 * first.Text, $"text loss {first.Text} → {last.Text / 10}");
        Assert.True(last.Flow / 10 < 0.5 * first.Flow, $"flow loss {first.Flow} → {last.Flow / 10}");
        Assert.True(last.Listen / 10 < 0.1 * first.Listen, $"listen loss {first.Listen} → {last.Listen / 10}");

        double after = GenerationError(model, targetLatents, heard, userLatents, out long[] spoken);
        Assert.Equal(tokens, spoken);
        o.WriteLine($"latent MSE {before} → {after}; losses {first} → {last}");
        Assert.True(after < 0.1 && after < 0.1 * before, $"latent MSE {before} → {after}");
    }

    // Free-running generation from start-of-speech: argmax tokens and sampled latents are fed
    // back, the user stream replays what was heard; returns the mean squared error of the
    // latents against the targets.
    private static double GenerationError(SpeechLm model, Tensor targets, long[] heard, Tensor userLatents, out long[] spoken)
    {
        using var noGrad = torch.no_grad();
        var c = model.Config;
        int frames = (int)targets.shape[0];
        var rng = new Generator(7);
        using var session = model.NewSession(frames + 1);
        var step = model.StepText(session, [c.StartOfSpeechId]);
        spoken = new long[frames];
        double error = 0;
        for (int f = 0; f < frames; f++)
        {
            using var scope = torch.NewDisposeScope();
            spoken[f] = step.TextLogits[0].argmax().item<long>();
            var latent = model.SampleLatent(step.Hidden, rng: rng);                               // (1, D)
            error += (latent[0] - targets[f]).square().mean().item<float>();
            step.Dispose();
            if (f + 1 == frames) break;
            // The user stream is what was heard; the model stream is its own token and latent.
            step = model.StepFrame(session, (int)spoken[f], latent, (int)heard[f + 1], userLatents[0, f + 1]);
            scope.MoveToOuter(step.TextLogits, step.Hidden);
        }
        return error / frames;
    }

    private sealed class Disposables : IDisposable
    {
        private readonly List<IDisposable> _items = [];
        public Tensor Add(Tensor t) { _items.Add(t); return t; }
        public void Dispose() { foreach (var i in _items) i.Dispose(); }
    }
}
