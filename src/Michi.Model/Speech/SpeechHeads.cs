// Everything the speech model adds to the text backbone, as one module whose state dict is
// heads.safetensors in a model directory:
//   added_tokens.*    new vocabulary rows (AddedTokens)
//   model_audio_in.*  Linear latent → hidden for the model's own previous latent
//   user_audio_in.*   Linear latent → hidden for the user's latent
//   speak_head.*      rectified-flow velocity network conditioned on h(t) (Flow/SpeakHead)
//   listen_head.*     listen text head over user latents (ListenTextHead)
// The audio-in biases (present with stream_vectors) are the learned stream vectors: one per
// stream, added at speech frames only. They start at zero, and the audio-in weights start
// scaled so that a unit-variance latent (the codec's VAE prior) projects to vectors of the
// same RMS as the backbone's token embeddings: audio and text enter at the same loudness,
// neither drowning the other (see InitializeFromBackbone).
using Michi.Model.Backbone;
using Michi.Model.Flow;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Michi.Model.Speech;

public sealed class SpeechHeads : nn.Module
{
    [ComponentName(Name = "added_tokens")] private readonly AddedTokens _addedTokens;
    [ComponentName(Name = "model_audio_in")] private readonly Linear _modelAudioIn;
    [ComponentName(Name = "user_audio_in")] private readonly Linear _userAudioIn;
    [ComponentName(Name = "speak_head")] private readonly SpeakHead _speakHead;
    [ComponentName(Name = "listen_head")] private readonly ListenTextHead _listenHead;

    public SpeechHeads(SpeechLmConfig config, ScalarType dtype, Device device) : base(nameof(SpeechHeads))
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Validate() is { } problem) throw new ArgumentException($"invalid config: {problem}", nameof(config));
        int c = config.HiddenSize;
        _addedTokens = new AddedTokens(config.AddedTokenCount, config.Backbone, dtype, device);
        _modelAudioIn = nn.Linear(config.LatentDim, c, hasBias: config.StreamVectors, device: device, dtype: dtype);
        _userAudioIn = nn.Linear(config.LatentDim, c, hasBias: config.StreamVectors, device: device, dtype: dtype);
        _speakHead = new SpeakHead(config.LatentDim, c, config.SpeakHeadWidth, config.SpeakHeadDepth, dtype, device);
        _listenHead = new ListenTextHead(config.LatentDim, config.ListenWindowFrames, config.ListenHeadWidth,
            config.ListenHeadDepth, config.VocabSize, dtype, device);
        RegisterComponents();
        foreach (var p in parameters()) p.DetachFromDisposeScope();
    }

    public AddedTokens AddedTokens => _addedTokens;
    public Linear ModelAudioIn => _modelAudioIn;
    public Linear UserAudioIn => _userAudioIn;
    public SpeakHead SpeakHead => _speakHead;
    public ListenTextHead ListenHead => _listenHead;

    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>Initialisation that depends on the backbone's weights: added rows at the mean row,
    /// audio-in weights N(0, σ²) with σ = RMS(embedding)/√D, stream vectors at zero.</summary>
    public void InitializeFromBackbone(LlamaForCausalLM backbone)
    {
        _addedTokens.InitializeFromBackbone(backbone);
        using var noGrad = torch.no_grad();
        var embedding = backbone.named_parameters().First(p => p.name == AddedTokens.BackboneEmbeddingName).parameter;
        double rms;
        using (var square = embedding.to(ScalarType.Float32).square()) rms = Math.Sqrt(square.mean().item<float>());
        double std = rms / Math.Sqrt(_modelAudioIn.weight!.shape[1]);
        foreach (var projection in new[] { _modelAudioIn, _userAudioIn })
        {
            nn.init.normal_(projection.weight!, 0.0, std);
            projection.bias?.zero_();
        }
    }
}
