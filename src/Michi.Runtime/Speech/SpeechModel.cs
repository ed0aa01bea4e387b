// A loaded speech model ready to generate: SpeechLm (backbone + heads) with its codec (listen
// encoder + vocoder) and tokenizer, behind ISpeechModel. Weights are shared and read-only;
// sessions (SpeechModelSession) own the KV cache, the vocoder's streaming state and the noise.
// The speak head samples through SpeakHeadSampler (every Euler step's modulations in one pass).
// Fast path: on the CPU with float32/bfloat16 weights, a generated frame's backbone pass and the
// text head run through Kernels.LlamaDecodeStep (multi-threaded matrix-vector products over the
// weights in place, ≈ 2–4× the LibTorch batch-1 loop), its summed input embedding through
// FrameEmbedder (plain C#), and so does a one-token prefill (start of speech). Longer prefills
// (context, voice prompt) stay batched LibTorch. Elsewhere (CUDA, float16) everything is LibTorch. Both paths agree to float rounding (tested); a session uses one.
// The fast step reads the parameters' storage as it is when this object is built: load weights
// first, then build the SpeechModel.
using Michi.Model.Codec;
using Michi.Model.Kernels;
using Michi.Model.Speech;
using Michi.Model.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Runtime.Speech;

public sealed record SpeechModelOptions
{
    /// <summary>Use the matrix-vector kernels for per-frame backbone passes where they apply.</summary>
    public bool FastDecode { get; init; } = true;

    /// <summary>Sample latents with SpeakHeadSampler (modulations of all Euler steps in one pass)
    /// instead of SpeakHead.Sample; the same latents to float rounding.</summary>
    public bool BatchedSpeakHead { get; init; } = true;

    /// <summary>Threads for the kernels; null = ComputePool.Shared (one per core).</summary>
    public ComputePool? Pool { get; init; }

    /// <summary>LibTorch intra-op threads for this model's work; null = one per core. (LibTorch's
    /// setting is per OS thread, so "whatever the thread has" would differ from thread to thread:
    /// see SpeechModel.UseTorchThreads.)</summary>
    public int? TorchThreads { get; init; }

    /// <summary>LibTorch intra-op threads for the vocoder; null = 1. SpeechGenerator runs a frame's
    /// vocoder step alongside the next frame's backbone pass, which has the other cores; and the
    /// vocoder's batch-1 ops scale badly (paper codec, bf16 run: 23 ms with 1 thread, 51 ms with 2
    /// on the 2-core machine). One fixed count also keeps the audio independent of --threads.</summary>
    public int? VocoderThreads { get; init; }
}

public sealed class SpeechModel : ISpeechModel, IDisposable
{
    private readonly IDisposable? _owned;
    private readonly Lazy<float[]> _silence;

    /// <summary>Wraps parts, which the caller keeps owning unless <paramref name="ownsParts"/>. Parts
    /// that do not fit (latent size, frame length) are refused with an InvalidInputException.</summary>
    public SpeechModel(SpeechLm lm, AudioCodec codec, TextTokenizer? tokenizer = null, SpeechModelOptions? options = null, bool ownsParts = false)
        : this(lm, codec, tokenizer, options, owned: ownsParts ? new Parts(lm, codec) : null) { }

    private sealed record Parts(SpeechLm Lm, AudioCodec Codec) : IDisposable
    {
        public void Dispose()
        {
            Lm.Dispose();
            Codec.Dispose();
        }
    }

    private SpeechModel(SpeechLm lm, AudioCodec codec, TextTokenizer? tokenizer, SpeechModelOptions? options, IDisposable? owned)
    {
        ArgumentNullException.ThrowIfNull(lm);
        ArgumentNullException.ThrowIfNull(codec);
        if (SpeechLmDirectory.CodecMismatch(codec.Config, lm.Config) is { } problem)
            throw new InvalidInputException($"the codec does not fit the speech model: {problem}");
        options ??= new SpeechModelOptions();
        Lm = lm;
        Codec = codec;
        Tokenizer = tokenizer;
        _owned = owned;
        var c = lm.Config;
        Info = new SpeechModelInfo(c.VocabSize, c.PadId, c.StartOfSpeechId, c.EndOfTurnId, c.LatentDim,
            codec.Config.FrameLength, codec.Config.SampleRate, c.Backbone.MaxPositionEmbeddings, c.ListenLagFrames,
            c.FlowSteps, c.FlowTemperature);
        TorchThreads = options.TorchThreads ?? Environment.ProcessorCount;
        if (TorchThreads < 1) throw new ArgumentOutOfRangeException(nameof(options), "TorchThreads must be ≥ 1");
        VocoderThreads = options.VocoderThreads ?? 1;
        Pool = options.Pool ?? ComputePool.Shared;
        if (VocoderThreads < 1) throw new ArgumentOutOfRangeException(nameof(options), "VocoderThreads must be ≥ 1");
        lm.eval();
        codec.eval();
        if (options.FastDecode && lm.Device.type == DeviceType.CPU && lm.DType is ScalarType.Float32 or ScalarType.BFloat16)
        {
            Decode = new LlamaDecodeStep(lm.Backbone, options.Pool);
            Embedder = new FrameEmbedder(lm, Decode);
            using var rows = lm.Heads.AddedTokens.OutputRows.detach().to(ScalarType.Float32).contiguous();   // (A, C)
            AddedOutputRows = rows.data<float>().ToArray();
        }
        if (options.BatchedSpeakHead) SpeakSampler = new SpeakHeadSampler(lm.Heads.SpeakHead, options.Pool, kernels: options.FastDecode);
        _silence = new Lazy<float[]>(ComputeSilenceLatent);
    }

    /// <summary>Loads a speech model directory (SpeechLmDirectory) with its codec; the backbone in
    /// <paramref name="dtype"/>. A directory without a codec is refused.</summary>
    public static async Task<SpeechModel> LoadAsync(string directory, ScalarType dtype = ScalarType.Float32, Device? device = null,
        SpeechModelOptions? options = null, CancellationToken cancellationToken = default)
    {
        var loaded = await Task.Run(() => SpeechLmDirectory.Load(directory, dtype, device), cancellationToken).ConfigureAwait(false);
        try
        {
            return new SpeechModel(loaded.Model, loaded.RequireCodec(), loaded.Tokenizer, options, owned: loaded);
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
    }

    public SpeechLm Lm { get; }
    public AudioCodec Codec { get; }
    public TextTokenizer? Tokenizer { get; }
    public SpeechModelInfo Info { get; }

    /// <summary>The kernel step for per-frame passes, or null when LibTorch runs them.</summary>
    internal LlamaDecodeStep? Decode { get; }

    /// <summary>The managed input embedding that goes with Decode.</summary>
    internal FrameEmbedder? Embedder { get; }

    /// <summary>The added tokens' output rows, (A, C) row-major float32, for the fast text head.</summary>
    internal float[] AddedOutputRows { get; } = [];

    /// <summary>The batched speak-head sampler, or null when SpeakHead.Sample runs.</summary>
    internal SpeakHeadSampler? SpeakSampler { get; }

    public bool UsesFastDecode => Decode is not null;

    /// <summary>LibTorch intra-op threads used for this model's work.</summary>
    public int TorchThreads { get; }

    /// <summary>The kernels' threads.</summary>
    internal ComputePool Pool { get; }

    /// <summary>LibTorch intra-op threads of the vocoder steps.</summary>
    public int VocoderThreads { get; }

    /// <summary>UseTorchThreads for the vocoder's count.</summary>
    internal void UseVocoderThreads()
    {
        if (torch.get_num_threads() != VocoderThreads) torch.set_num_threads(VocoderThreads);
    }

    /// <summary>Sets LibTorch's thread count on the calling thread. LibTorch (OpenMP) keeps that
    /// setting per OS thread, and generation hops between thread-pool threads: without this, frames
    /// would run with whatever each thread last had, and the thread count changes float rounding
    /// (so the same seed could give different audio).</summary>
    internal void UseTorchThreads()
    {
        if (torch.get_num_threads() != TorchThreads) torch.set_num_threads(TorchThreads);
    }

    public ISpeechModelSession OpenSession(int capacity, long seed) => new SpeechModelSession(this, capacity, seed);

    public float[] SilenceLatent => _silence.Value;

    public float[][] EncodeAudio(float[] samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        UseTorchThreads();
        if (samples.Length % Info.FrameLength != 0)
            throw new ArgumentException($"{samples.Length} samples are not a whole number of {Info.FrameLength}-sample frames", nameof(samples));
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(samples, [1, samples.Length]).to(Lm.Device);              // (1, N)
        var latents = Codec.Encode(x).squeeze(0).to(ScalarType.Float32).cpu();         // (F, D)
        return Rows(latents);
    }

    public int[] ListenTokens(float[][] latents)
    {
        ArgumentNullException.ThrowIfNull(latents);
        if (latents.Length == 0) return [];
        UseTorchThreads();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var x = LatentTensor(latents).unsqueeze(0);                                    // (1, F, D)
        var ids = Lm.ListenLogits(x).argmax(-1).squeeze(0).cpu();                      // (F)
        return ids.data<long>().ToArray().Select(i => (int)i).ToArray();
    }

    /// <summary>(F, D) latents on the model's device in its dtype.</summary>
    internal Tensor LatentTensor(IReadOnlyList<float[]> latents)
    {
        int d = Info.LatentDim;
        var flat = new float[latents.Count * d];
        for (int i = 0; i < latents.Count; i++)
        {
            if (latents[i].Length != d) throw new ArgumentException($"latent {i} has {latents[i].Length} values, not {d}");
            latents[i].CopyTo(flat, i * d);
        }
        return torch.tensor(flat, [latents.Count, d]).to(Lm.DType, Lm.Device);
    }

    // The encoder's output for a silent user once its receptive field is filled: the last of
    // two seconds of zeros.
    private float[] ComputeSilenceLatent()
    {
        int frames = Math.Max(2, SpeechOptions.Frames(2.0, Info.FrameSeconds));
        return EncodeAudio(new float[frames * Info.FrameLength])[^1];
    }

    private static float[][] Rows(Tensor matrix)
    {
        long rows = matrix.shape[0], cols = matrix.shape[1];
        var all = matrix.contiguous().data<float>().ToArray();
        var result = new float[rows][];
        for (int r = 0; r < rows; r++) result[r] = all.AsSpan((int)(r * cols), (int)cols).ToArray();
        return result;
    }

    public void Dispose() => _owned?.Dispose();
}
