// The speech language model (DESIGN.md §2–3): a Llama/SmolLM backbone fed, at every frame, the
// sum of the model's text-token embedding, the audio-in projection of the model's previous
// latent, the user's text-token embedding and the projection of the user's latent; from the
// backbone state h(t) the text head predicts the model's next text token (over the vocabulary
// extended with PAD / start of speech / end of turn) and the speak head draws its next latent
// by rectified flow. The listen text head reads the user's latents on the side. One backbone
// pass per frame, whatever the latent size.
// Text-only positions carry only their token, so a pure-text sequence is exactly the input the
// pretrained LM was trained on, and its logits over the backbone vocabulary are exactly the
// backbone's (tested bit for bit).
// Weights only: per-session state (KV cache, listen window) lives in SpeechLmSession, noise in
// the caller's Generator. Teacher-forced training (Forward over (B, T) frames) and frame-by-
// frame generation (StepFrame) are the same code, with and without a cache.
// State-dict names: backbone.* (Hugging Face names under the prefix) and heads.* (SpeechHeads).
//
// Shapes: B batch, T positions, C hidden, D latent dim, V' extended vocabulary.
using Michi.Model.Backbone;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Michi.Model.Speech;

public sealed class SpeechLm : nn.Module
{
    [ComponentName(Name = "backbone")] private readonly LlamaForCausalLM _backbone;
    [ComponentName(Name = "heads")] private readonly SpeechHeads _heads;

    /// <summary>Wraps <paramref name="backbone"/> (taking ownership) and builds the heads in its dtype
    /// and on its device, initialised from its weights.</summary>
    public SpeechLm(SpeechLmConfig config, LlamaForCausalLM backbone) : base(nameof(SpeechLm))
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(backbone);
        if (config.Validate() is { } problem) throw new ArgumentException($"invalid config: {problem}", nameof(config));
        if (backbone.Config.VocabSize != config.TextVocabSize || backbone.Config.HiddenSize != config.HiddenSize
            || backbone.Config.TieWordEmbeddings != config.Backbone.TieWordEmbeddings)
            throw new ArgumentException("the backbone's config differs from the speech config's backbone", nameof(backbone));
        Config = config;
        _backbone = backbone;
        _heads = new SpeechHeads(config, backbone.DType, backbone.Device);
        _heads.InitializeFromBackbone(backbone);
        RegisterComponents();
    }

    /// <summary>A model with a randomly initialised backbone (benchmarks, tests, training from scratch).</summary>
    public static SpeechLm Create(SpeechLmConfig config, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Validate() is { } problem) throw new ArgumentException($"invalid config: {problem}", nameof(config));
        return new SpeechLm(config, new LlamaForCausalLM(config.Backbone, dtype, device));
    }

    /// <summary>Parameters of a model with <paramref name="config"/>, counted on the "meta" device
    /// (shapes only, nothing allocated).</summary>
    public static long CountParameters(SpeechLmConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var meta = new Device("meta");
        using var backbone = new LlamaForCausalLM(config.Backbone, ScalarType.Float32, meta);
        using var heads = new SpeechHeads(config, ScalarType.Float32, meta);
        return backbone.ParameterCount + heads.ParameterCount;
    }

    public SpeechLmConfig Config { get; }
    public LlamaForCausalLM Backbone => _backbone;
    public SpeechHeads Heads => _heads;
    public ScalarType DType => _backbone.DType;
    public Device Device => _backbone.Device;

    /// <summary>Every parameter once (a tied head counts once).</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>The per-position input embeddings, (B, T, C) in the model's dtype.</summary>
    public Tensor Embed(SpeechLmInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var (b, t) = CheckInputs(inputs);
        using var scope = torch.NewDisposeScope();
        var sum = _heads.AddedTokens.Embed(_backbone, inputs.ModelTokens);                 // (B, T, C)
        if (inputs.UserTokens is { } userTokens)
        {
            var present = userTokens.ge(0);                                                // (B, T)
            var user = _heads.AddedTokens.Embed(_backbone, userTokens.clamp_min(0));       // (B, T, C)
            // where(), not a multiply: a text-only position gets an exact +0 and stays bit-identical.
            sum = sum + torch.where(present.unsqueeze(-1), user, torch.zeros_like(user));
        }
        if (inputs.ModelLatents is { } modelLatents && inputs.UserLatents is { } userLatents)
        {
            var audio = _heads.ModelAudioIn.forward(modelLatents.to(DType))                // (B, T, C)
                      + _heads.UserAudioIn.forward(userLatents.to(DType));
            if (inputs.SpeechMask is { } mask)
                audio = torch.where(mask.unsqueeze(-1), audio, torch.zeros_like(audio));
            sum = sum + audio;
        }
        return scope.MoveToOuter(sum);
    }

    /// <summary>Final-normed backbone states h, (B, T, C). With a cache the positions continue the
    /// session and the cache advances by T.</summary>
    public Tensor Hidden(SpeechLmInputs inputs, KvCache? cache = null)
    {
        using var embeddings = Embed(inputs);
        return _backbone.Hidden(embeddings, cache);
    }

    /// <summary>Text head: h (B, T, C) → (B, T, V') float32 logits over the extended vocabulary.</summary>
    public Tensor TextLogits(Tensor hidden) => _heads.AddedTokens.Logits(_backbone, hidden);

    /// <summary>Teacher-forced pass over (B, T) positions: text logits and h at every position.</summary>
    public SpeechLmOutput Forward(SpeechLmInputs inputs, KvCache? cache = null)
    {
        var hidden = Hidden(inputs, cache);
        try
        {
            return new SpeechLmOutput(TextLogits(hidden), hidden);
        }
        catch
        {
            hidden.Dispose();
            throw;
        }
    }

    /// <summary>Listen text head, offline (fresh stream) or continuing <paramref name="state"/>:
    /// user latents (B, T, D) → (B, T, V') float32 logits of the user's text token per frame.</summary>
    public Tensor ListenLogits(Tensor userLatents, ListenHeadState? state = null) => _heads.ListenHead.Forward(userLatents, state);

    /// <summary>A session for <paramref name="batchSize"/> parallel streams holding up to
    /// <paramref name="capacity"/> positions (frames plus text tokens).</summary>
    public SpeechLmSession NewSession(int capacity, int batchSize = 1)
    {
        if (capacity < 1 || capacity > Config.Backbone.MaxPositionEmbeddings)
            throw new InvalidInputException($"{capacity} positions do not fit the backbone's context of {Config.Backbone.MaxPositionEmbeddings}");
        var cache = _backbone.NewCache(capacity, batchSize);
        return new SpeechLmSession(cache, _heads.ListenHead.CreateState(batchSize));
    }

    /// <summary>Runs <paramref name="inputs"/> (B, T) through the backbone after what the session
    /// holds; returns logits and h at the last position.</summary>
    public SpeechLmStep Step(SpeechLmSession session, SpeechLmInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(session);
        long t = inputs.ModelTokens.shape.Length == 2 ? inputs.ModelTokens.shape[1] : 0;
        if (session.Position + t > session.Capacity)
            throw new InvalidInputException($"{t} more positions exceed this session's {session.Capacity} (already {session.Position} used)");
        using var scope = torch.NewDisposeScope();
        var hidden = Hidden(inputs, session.Cache);                                        // (B, T, C)
        var last = hidden.select(1, t - 1);                                                // (B, C)
        var logits = TextLogits(last.unsqueeze(1)).squeeze(1);                             // (B, V')
        return new SpeechLmStep(scope.MoveToOuter(logits), scope.MoveToOuter(last.contiguous()));
    }

    /// <summary>One speech frame for a batch-1 session: the model's text token of the previous frame
    /// and its previous latent (D) or (1, D), the user's text token (or NoToken) and latent of this
    /// frame. Both latents null makes a text-only position (then the user token must be NoToken).
    /// Returns text logits (1, V') for the model's token of this frame and h (1, C).</summary>
    public SpeechLmStep StepFrame(SpeechLmSession session, int modelToken, Tensor? modelPrevLatent, int userToken, Tensor? userLatent)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.BatchSize != 1) throw new ArgumentException("StepFrame drives a batch-1 session; use Step for batches", nameof(session));
        CheckToken(modelToken, allowNone: false, "model token");
        CheckToken(userToken, allowNone: true, "user token");
        if ((modelPrevLatent is null) != (userLatent is null))
            throw new ArgumentException("give both latents (a speech frame) or neither (a text-only position)");
        if (modelPrevLatent is null && userToken != SpeechLmInputs.NoToken)
            throw new ArgumentException("a text-only position carries no user token");
        using var scope = torch.NewDisposeScope();
        var inputs = new SpeechLmInputs(torch.tensor(new long[] { modelToken }, device: Device).view(1, 1))
        {
            UserTokens = torch.tensor(new long[] { userToken }, device: Device).view(1, 1),
            ModelLatents = modelPrevLatent is null ? null : FrameLatent(modelPrevLatent, "model latent"),
            UserLatents = userLatent is null ? null : FrameLatent(userLatent, "user latent"),
        };
        var step = Step(session, inputs);
        scope.MoveToOuter(step.TextLogits, step.Hidden);
        return step;
    }

    /// <summary>Text-only positions (a prompt, retrieved context) for a batch-1 session, in one pass.</summary>
    public SpeechLmStep StepText(SpeechLmSession session, ReadOnlySpan<int> tokens)
    {
        if (tokens.Length == 0) throw new ArgumentException("no tokens", nameof(tokens));
        foreach (int id in tokens) CheckToken(id, allowNone: false, "token");
        using var ids = torch.tensor(tokens.ToArray().Select(i => (long)i).ToArray(), device: Device).view(1, -1);
        return Step(session, SpeechLmInputs.Text(ids));
    }

    /// <summary>The listen text head on this frame's user latents (B, D) → (B, V') float32 logits,
    /// continuing the session's listen window.</summary>
    public Tensor ListenStep(SpeechLmSession session, Tensor userLatent)
    {
        using var x = userLatent.dim() == 1 ? userLatent.view(1, 1, -1) : userLatent.unsqueeze(1);   // (B, 1, D)
        using var logits = _heads.ListenHead.Forward(x, session.Listen);                            // (B, 1, V')
        return logits.squeeze(1);
    }

    /// <summary>The next latent for states h (B, C) or (C): <paramref name="steps"/> Euler steps
    /// of the speak head from N(0, T²·I) (defaults from the config). (B, D) or (D) float32.</summary>
    public Tensor SampleLatent(Tensor hidden, int? steps = null, double? temperature = null, Generator? rng = null)
    {
        using var condition = hidden.dim() == 1 ? hidden.unsqueeze(0) : hidden.alias();              // (B, C)
        var latent = _heads.SpeakHead.Sample(condition, steps ?? Config.FlowSteps, temperature ?? Config.FlowTemperature, rng);
        if (hidden.dim() != 1) return latent;
        using (latent) return latent.squeeze(0);
    }

    private (long B, long T) CheckInputs(SpeechLmInputs inputs)
    {
        var ids = inputs.ModelTokens;
        if (ids.dim() != 2 || ids.dtype != ScalarType.Int64 || ids.shape[1] < 1)
            throw new ArgumentException($"model tokens must be (B, T ≥ 1) int64, got ({string.Join(", ", ids.shape)}) {ids.dtype}");
        long b = ids.shape[0], t = ids.shape[1];
        CheckRange(ids, 0, "model tokens");
        if (inputs.UserTokens is { } user)
        {
            if (!user.shape.SequenceEqual(ids.shape) || user.dtype != ScalarType.Int64)
                throw new ArgumentException($"user tokens must be ({b}, {t}) int64, got ({string.Join(", ", user.shape)}) {user.dtype}");
            CheckRange(user, SpeechLmInputs.NoToken, "user tokens");
        }
        if ((inputs.ModelLatents is null) != (inputs.UserLatents is null))
            throw new ArgumentException("give both latent streams (model and user) or neither");
        foreach (var latents in new[] { inputs.ModelLatents, inputs.UserLatents })
            if (latents is not null && (latents.dim() != 3 || latents.shape[0] != b || latents.shape[1] != t || latents.shape[2] != Config.LatentDim))
                throw new ArgumentException($"latents must be ({b}, {t}, {Config.LatentDim}), got ({string.Join(", ", latents.shape)})");
        if (inputs.SpeechMask is { } mask && (!mask.shape.SequenceEqual(ids.shape) || mask.dtype != ScalarType.Bool))
            throw new ArgumentException($"speech mask must be ({b}, {t}) bool, got ({string.Join(", ", mask.shape)}) {mask.dtype}");
        return (b, t);
    }

    private void CheckRange(Tensor ids, long min, string what)
    {
        long lo = ids.min().item<long>(), hi = ids.max().item<long>();
        if (lo < min || hi >= Config.VocabSize)
            throw new ArgumentException($"{what} must be in [{min}, {Config.VocabSize}), got values in [{lo}, {hi}]");
    }

    private void CheckToken(int id, bool allowNone, string what)
    {
        if (allowNone && id == SpeechLmInputs.NoToken) return;
        if ((uint)id >= (uint)Config.VocabSize)
            throw new ArgumentOutOfRangeException(what, id, $"{what} must be in [0, {Config.VocabSize})");
    }

    // (D) or (1, D) → (1, 1, D) on the model's device.
    private Tensor FrameLatent(Tensor latent, string what)
    {
        if (latent.numel() != Config.LatentDim || latent.dim() > 2 || (latent.dim() == 2 && latent.shape[0] != 1))
            throw new ArgumentException($"{what} must be ({Config.LatentDim}) or (1, {Config.LatentDim}), got ({string.Join(", ", latent.shape)})");
        return latent.reshape(1, 1, Config.LatentDim).to(Device);
    }
}
