// The summed input embedding of one position (SpeechLm.Embed for a batch-1, one-position input)
// in plain C#, for the kernel frame path: model token row + user token row (when present) +
// ModelAudioIn(previous latent) + UserAudioIn(user latent), biases being the stream vectors.
// Token rows below the backbone vocabulary come from the backbone's embedding (through the
// decode step, which reads them in place), added tokens' rows from AddedTokens. The audio-in
// weights are small (C × D) and copied to float32 arrays when this is built.
// Why not LibTorch: a frame's embedding is ~15 tiny ops (≈ 1 µs each plus wrappers), and every
// op with a number in it (ids.ge(V), clamp_min(0) …) allocates a TorchSharp Scalar that only its
// finalizer frees; a garbage collection during the native call can free it in flight
// (TorchSharp 0.107, no GC.KeepAlive). Fewer such calls per frame, fewer chances.
// Sums run in float32 in SpeechLm.Embed's order (tokens, then the two projections added
// together, then both): the LibTorch path's numbers to float rounding (tested through the
// generator: kernel path == LibTorch path).
//
// Shapes: C hidden, D latent dim, A added tokens.
using Michi.Model.Kernels;
using Michi.Model.Speech;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Runtime.Speech;

internal sealed class FrameEmbedder
{
    private readonly LlamaDecodeStep _decode;
    private readonly int _hidden, _latent, _backboneVocab;
    private readonly float[] _addedRows;                        // (A, C)
    private readonly float[] _modelWeight, _userWeight;         // (C, D)
    private readonly float[]? _modelBias, _userBias;            // (C)
    private readonly float[] _row, _audio;                      // (C) scratch

    public FrameEmbedder(SpeechLm lm, LlamaDecodeStep decode)
    {
        _decode = decode;
        _hidden = lm.Config.HiddenSize;
        _latent = lm.Config.LatentDim;
        _backboneVocab = lm.Config.TextVocabSize;
        _addedRows = Floats(lm.Heads.AddedTokens.EmbeddingRows);
        (_modelWeight, _modelBias) = (Floats(lm.Heads.ModelAudioIn.weight!), lm.Heads.ModelAudioIn.bias is { } mb ? Floats(mb) : null);
        (_userWeight, _userBias) = (Floats(lm.Heads.UserAudioIn.weight!), lm.Heads.UserAudioIn.bias is { } ub ? Floats(ub) : null);
        _row = new float[_hidden];
        _audio = new float[_hidden];
    }

    /// <summary>A text-only position: the token's row.</summary>
    public void Text(int token, Span<float> embedding) => Row(token, embedding);

    /// <summary>A speech frame: both tokens' rows and both latents' projections, summed.</summary>
    public void Frame(FrameInput frame, Span<float> embedding)
    {
        if (frame.ModelPreviousLatent.Length != _latent || frame.UserLatent.Length != _latent)
            throw new ArgumentException($"latents must have {_latent} values");
        Row(frame.ModelToken, embedding);
        if (frame.UserToken >= 0)
        {
            Row(frame.UserToken, _row);
            for (int i = 0; i < _hidden; i++) embedding[i] += _row[i];
        }
        Project(_modelWeight, _modelBias, frame.ModelPreviousLatent, _audio);
        Project(_userWeight, _userBias, frame.UserLatent, _row);
        for (int i = 0; i < _hidden; i++) embedding[i] += _audio[i] + _row[i];
    }

    private void Row(int token, Span<float> destination)
    {
        if (token < _backboneVocab) _decode.Embed(token, destination);
        else _addedRows.AsSpan((token - _backboneVocab) * _hidden, _hidden).CopyTo(destination);
    }

    // y = W z + b for W (C, D).
    private void Project(float[] weight, float[]? bias, float[] z, float[] y)
    {
        for (int c = 0; c < _hidden; c++)
        {
            float sum = 0;
            var row = weight.AsSpan(c * _latent, _latent);
            for (int d = 0; d < _latent; d++) sum += row[d] * z[d];
            y[c] = bias is null ? sum : sum + bias[c];
        }
    }

    private static float[] Floats(Tensor t)
    {
        using var noGrad = torch.no_grad();
        using var f = t.detach().to(ScalarType.Float32).cpu().contiguous();
        return f.data<float>().ToArray();
    }
}
