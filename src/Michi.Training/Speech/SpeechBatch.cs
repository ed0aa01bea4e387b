// One teacher-forced speech batch built from shard utterances, in the layout of DESIGN.md §3
// and SpeechLmLoss (the one the overfit test and the generator use):
//   position 0      text-only start-of-speech token (no latents, no user token);
//   position p ≥ 1  frame p: the model's token and latent of frame p − 1, the user's latent of
//                   frame p and the user's token (PAD: the user is silent);
//   targets at p    the model's token and latent of frame p.
// Single-speaker shards have no second speaker, so the user stream is the codec's latent of
// silence with PAD text, as a user listening quietly sounds at run time. The listen head is
// trained on the side on the utterance's own latents, against its onset tokens delayed by the
// config's listen lag (ListenTextHead.LagTargets). Utterances longer than the crop are cut;
// shorter ones are padded to the longest, padding being text-only PAD positions without targets.
// Shard token values map to model ids: ≥ 0 as they are, the negative sentinels to the added
// tokens (ShardManifest.PadToken → PAD, …).
// Shapes: B utterances, T positions (longest cropped utterance), D latent dim.
using Michi.Data.Shards;
using Michi.Model.Speech;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Training.Speech;

public sealed class SpeechBatch : IDisposable
{
    private readonly List<Tensor> _owned = [];

    private SpeechBatch() { }

    public SpeechLmInputs Inputs { get; private set; } = null!;
    public SpeechLmTargets Targets { get; private set; } = null!;

    /// <summary>(B, T, D): the utterances' own latents, read by the listen head.</summary>
    public Tensor ListenLatents { get; private set; } = null!;

    /// <summary>(B, T): the listen head's targets, IgnoreIndex past each utterance.</summary>
    public Tensor ListenTargets { get; private set; } = null!;

    /// <summary>Frames with targets in the batch.</summary>
    public long Frames { get; private set; }

    public static long ToModelId(int token, SpeechLmConfig config) => token switch
    {
        >= 0 => token,
        ShardManifest.PadToken => config.PadId,
        ShardManifest.StartOfSpeechToken => config.StartOfSpeechId,
        ShardManifest.EndOfTurnToken => config.EndOfTurnId,
        _ => throw new InvalidInputException($"shard token {token} is not a known token value"),
    };

    public static SpeechBatch Build(IReadOnlyList<ShardUtterance> utterances, int cropFrames, SpeechLmConfig config, IReadOnlyList<float> silence, Device device)
    {
        if (utterances.Count == 0) throw new ArgumentException("no utterances", nameof(utterances));
        int b = utterances.Count, d = config.LatentDim;
        int t = utterances.Max(u => Math.Min(u.Frames, cropFrames));
        long ignore = SpeechLmLoss.IgnoreIndex;
        var modelTokens = new long[b * t];
        var userTokens = new long[b * t];
        var speech = new bool[b * t];
        var textTargets = new long[b * t];
        var latentMask = new bool[b * t];
        var listenTargets = new long[b * t];
        var previous = new float[b * t * d];
        var user = new float[b * t * d];
        var targetLatents = new float[b * t * d];
        var listenLatents = new float[b * t * d];
        long frames = 0;
        for (int i = 0; i < b; i++)
        {
            var u = utterances[i];
            int f = Math.Min(u.Frames, cropFrames);
            frames += f;
            var onset = new int[f];
            for (int p = 0; p < f; p++) onset[p] = (int)ToModelId(u.OnsetTokens[p], config);
            int[] heard = ListenTextHead.LagTargets(onset, config.ListenLagFrames, config.PadId);
            for (int p = 0; p < t; p++)
            {
                int at = i * t + p;
                bool inside = p < f;
                modelTokens[at] = p == 0 ? config.StartOfSpeechId : inside ? ToModelId(u.Tokens[p - 1], config) : config.PadId;
                speech[at] = inside && p > 0;
                userTokens[at] = speech[at] ? config.PadId : SpeechLmInputs.NoToken;
                textTargets[at] = inside ? ToModelId(u.Tokens[p], config) : ignore;
                latentMask[at] = inside;
                listenTargets[at] = inside ? heard[p] : ignore;
                for (int k = 0; k < d; k++) user[at * d + k] = silence[k];
                if (!inside) continue;
                u.Latents.AsSpan(p * d, d).CopyTo(targetLatents.AsSpan(at * d, d));
                u.Latents.AsSpan(p * d, d).CopyTo(listenLatents.AsSpan(at * d, d));
                if (p > 0) u.Latents.AsSpan((p - 1) * d, d).CopyTo(previous.AsSpan(at * d, d));
            }
        }
        var batch = new SpeechBatch { Frames = frames };
        Tensor Own(Tensor x) { batch._owned.Add(x); return x; }
        batch.Inputs = new SpeechLmInputs(Own(torch.tensor(modelTokens, [b, t], device: device)))
        {
            UserTokens = Own(torch.tensor(userTokens, [b, t], device: device)),
            ModelLatents = Own(torch.tensor(previous, [b, t, d], device: device)),
            UserLatents = Own(torch.tensor(user, [b, t, d], device: device)),
            SpeechMask = Own(torch.tensor(speech, [b, t], device: device)),
        };
        batch.Targets = new SpeechLmTargets(Own(torch.tensor(textTargets, [b, t], device: device)))
        {
            Latents = Own(torch.tensor(targetLatents, [b, t, d], device: device)),
            LatentMask = Own(torch.tensor(latentMask, [b, t], device: device)),
        };
        batch.ListenLatents = Own(torch.tensor(listenLatents, [b, t, d], device: device));
        batch.ListenTargets = Own(torch.tensor(listenTargets, [b, t], device: device));
        foreach (var x in batch._owned) x.DetachFromDisposeScope();
        return batch;
    }

    public void Dispose()
    {
        foreach (var x in _owned) x.Dispose();
        _owned.Clear();
    }
}
