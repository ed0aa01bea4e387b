// The state one generation owns over a shared SpeechModel: the speech LM session (KV cache,
// listen window), the vocoder's streaming state, the speak head's noise generator, and the
// hidden state h of the last position fed (float32, (C)), which the heads read.
// Every call runs under no_grad in one DisposeScope: nothing outlives it but the state above.
//
// Shapes: T positions, C hidden, D latent dim, V' extended vocabulary, A added tokens.
using Michi.Model.Codec;
using Michi.Model.Speech;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Runtime.Speech;

public sealed class SpeechModelSession : ISpeechModelSession
{
    private readonly SpeechModel _model;
    private readonly SpeechLm _lm;
    private readonly SpeechLmSession _session;
    private readonly VocoderState _vocoder;
    private readonly Generator _noise;
    private readonly float[] _hidden;       // (C) h at the last position fed
    private readonly float[] _embedding;    // (C) scratch: the fast path's input
    private bool _hasHidden;

    internal SpeechModelSession(SpeechModel model, int capacity, long seed)
    {
        _model = model;
        _lm = model.Lm;
        _session = _lm.NewSession(capacity);
        try
        {
            _vocoder = model.Codec.Vocoder.CreateState(1);
            _noise = new Generator(unchecked((ulong)seed), _lm.Device);
        }
        catch
        {
            _session.Dispose();
            throw;
        }
        _hidden = new float[_lm.Config.HiddenSize];
        _embedding = new float[_lm.Config.HiddenSize];
    }

    public int Position => _session.Position;
    public int Capacity => _session.Capacity;

    public void AppendText(ReadOnlySpan<int> tokens)
    {
        if (tokens.IsEmpty) throw new ArgumentException("no tokens", nameof(tokens));
        Reserve(tokens.Length);
        if (tokens.Length == 1 && _model.Decode is { } decode)   // start of speech alone: one kernel step
        {
            _model.Embedder!.Text(tokens[0], _embedding);
            decode.Hidden(_embedding, _session.Cache, _hidden);
            _hasHidden = true;
            return;
        }
        _model.UseTorchThreads();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var ids = torch.tensor(tokens.ToArray().Select(i => (long)i).ToArray(), [1, tokens.Length]).to(_lm.Device);   // (1, T)
        KeepLast(_lm.Hidden(SpeechLmInputs.Text(ids), _session.Cache));
    }

    public void AppendFrames(IReadOnlyList<FrameInput> frames)
    {
        _model.UseTorchThreads();
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0) throw new ArgumentException("no frames", nameof(frames));
        Reserve(frames.Count);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        KeepLast(_lm.Hidden(Inputs(frames), _session.Cache));
    }

    public void StepFrame(FrameInput frame)
    {
        Reserve(1);
        if (_model.Decode is { } decode)
        {
            _model.Embedder!.Frame(frame, _embedding);
            decode.Hidden(_embedding, _session.Cache, _hidden);
            _hasHidden = true;
            return;
        }
        _model.UseTorchThreads();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        KeepLast(_lm.Hidden(Inputs([frame]), _session.Cache));
    }

    public void TextLogits(Span<float> logits)
    {
        var info = _model.Info;
        if (logits.Length != info.VocabSize) throw new ArgumentException($"logits must have {info.VocabSize} elements", nameof(logits));
        RequireHidden();
        if (_model.Decode is { } decode)
        {
            int v = info.PadId, c = _hidden.Length;                                    // added rows start at the backbone vocabulary
            decode.Logits(_hidden, logits[..v]);
            var rows = _model.AddedOutputRows;
            for (int a = 0; v + a < logits.Length; a++)
            {
                float sum = 0;
                var row = rows.AsSpan(a * c, c);
                for (int i = 0; i < c; i++) sum += row[i] * _hidden[i];
                logits[v + a] = sum;
            }
            return;
        }
        _model.UseTorchThreads();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var result = _lm.TextLogits(HiddenTensor().unsqueeze(1)).cpu();                // (1, 1, V')
        result.data<float>().CopyTo(logits);
    }

    public void SampleLatent(int steps, double temperature, Span<float> latent)
    {
        _model.UseTorchThreads();
        if (latent.Length != _model.Info.LatentDim) throw new ArgumentException($"latent must have {_model.Info.LatentDim} elements", nameof(latent));
        RequireHidden();
        if (_model.SpeakSampler is { UsesKernels: true } kernels)   // float32 h straight into the kernels
        {
            kernels.Sample(_hidden, steps, temperature, _noise, latent);
            return;
        }
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var h = HiddenTensor();                                                        // (1, C)
        var z = (_model.SpeakSampler?.Sample(h, steps, temperature, _noise) ?? _lm.SampleLatent(h, steps, temperature, _noise)).cpu();   // (1, D) float32
        z.data<float>().CopyTo(latent);
    }

    public void Vocode(ReadOnlySpan<float> latent, Span<float> samples)
    {
        _model.UseVocoderThreads();
        var info = _model.Info;
        if (latent.Length != info.LatentDim) throw new ArgumentException($"latent must have {info.LatentDim} elements", nameof(latent));
        if (samples.Length != info.FrameLength) throw new ArgumentException($"samples must have {info.FrameLength} elements", nameof(samples));
        // The vocoder's cores are lent by the kernels' pool while it runs: the generator overlaps
        // this step with the next frame's products (ComputePool.Reserve says why).
        using var lent = _model.Decode is not null ? _model.Pool.Reserve(_model.VocoderThreads) : null;
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var z = torch.tensor(latent.ToArray(), [1, 1, latent.Length]).to(_lm.Device);   // (1, 1, D)
        var pcm = _model.Codec.Vocoder.Step(z, _vocoder).cpu();                      // (1, FrameLength)
        pcm.data<float>().CopyTo(samples);
    }

    public void WarmVocoder(IReadOnlyList<float[]> latents)
    {
        _model.UseVocoderThreads();
        ArgumentNullException.ThrowIfNull(latents);
        if (latents.Count == 0) return;
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var z = _model.LatentTensor(latents).to(ScalarType.Float32).unsqueeze(0);      // (1, F, D)
        _model.Codec.Vocoder.Step(z, _vocoder);
    }

    // (1, T) inputs of speech frames on the model's device.
    private SpeechLmInputs Inputs(IReadOnlyList<FrameInput> frames)
    {
        int t = frames.Count;
        var modelTokens = new long[t];
        var userTokens = new long[t];
        var modelLatents = new float[t][];
        var userLatents = new float[t][];
        for (int i = 0; i < t; i++)
        {
            (modelTokens[i], userTokens[i]) = (frames[i].ModelToken, frames[i].UserToken);
            (modelLatents[i], userLatents[i]) = (frames[i].ModelPreviousLatent, frames[i].UserLatent);
        }
        var device = _lm.Device;
        return new SpeechLmInputs(torch.tensor(modelTokens, [1, t]).to(device))
        {
            UserTokens = torch.tensor(userTokens, [1, t]).to(device),
            ModelLatents = _model.LatentTensor(modelLatents).unsqueeze(0),             // (1, T, D)
            UserLatents = _model.LatentTensor(userLatents).unsqueeze(0),
        };
    }

    private void Reserve(int positions)
    {
        if (Position + positions > Capacity)
            throw new InvalidOperationException($"{positions} more positions exceed this session's {Capacity} ({Position} used)");
    }

    // Keeps h of the last position of (1, T, C).
    private void KeepLast(Tensor hidden)
    {
        using var last = hidden.select(1, hidden.shape[1] - 1).to(ScalarType.Float32).cpu();   // (1, C)
        last.data<float>().CopyTo(_hidden);
        _hasHidden = true;
    }

    // (1, C) h on the model's device in its dtype.
    private Tensor HiddenTensor() => torch.tensor(_hidden, [1, _hidden.Length]).to(_lm.DType, _lm.Device);

    private void RequireHidden()
    {
        if (!_hasHidden) throw new InvalidOperationException("nothing has been fed to this session yet");
    }

    public void Dispose()
    {
        _session.Dispose();
        _vocoder.Dispose();
        _noise.Dispose();
    }
}
