// One text generation in progress: the state a session owns while the model's weights stay
// shared — its KV cache, its random generator (seeded → reproducible), the token sequence so
// far and a streaming text decoder. Tokens are appended (the prompt, or text injected later)
// and run through the model lazily, in one forward call, when the next token is asked for; a
// sampled token is fed on the following Next, so the last token of a generation never costs a
// forward pass. Each forward is one DisposeScope; the logits land in a reused array.
// Single-token steps (every step after the prompt) go through Kernels.LlamaDecodeStep when one
// is given: the same math as the model's forward (tests hold them to 1e-4) at ≈ 2.5× the speed
// for a bfloat16 360M model (docs/benchmarks.md); prompts still run as one batched forward.
using Michi.Model.Backbone;
using Michi.Model.Kernels;
using Michi.Model.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Runtime;

public sealed class TextGenerationSession : IDisposable
{
    private readonly LlamaForCausalLM _model;
    private readonly LlamaDecodeStep? _step;
    private readonly GenerationOptions _options;
    private readonly KvCache _cache;
    private readonly Random _random;
    private readonly StreamingTextDecoder? _decoder;
    private readonly HashSet<int> _stop;
    private readonly List<int> _sequence = [];
    private readonly float[] _logits;    // (V) next-token logits after the last fed position
    private readonly float[] _scratch;   // (V) the same, modified by the sampling pipeline

    /// <param name="capacity">Most positions this session will ever run through the model.</param>
    /// <param name="step">The fast single-position step bound to <paramref name="model"/>'s weights, or null for LibTorch only.</param>
    public TextGenerationSession(LlamaForCausalLM model, GenerationOptions options, int capacity, TextTokenizer? tokenizer = null,
        LlamaDecodeStep? step = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (capacity < 1 || capacity > model.Config.MaxPositionEmbeddings)
            throw new InvalidInputException($"{capacity} positions do not fit the model's context of {model.Config.MaxPositionEmbeddings}");
        if (step is not null && !ReferenceEquals(step.Model, model))
            throw new ArgumentException("the decode step belongs to a different model", nameof(step));
        _model = model;
        _step = step;
        _options = options;
        _cache = model.NewCache(capacity);
        _random = options.Seed is { } seed ? new Random(seed) : new Random();
        _decoder = tokenizer is null ? null : new StreamingTextDecoder(tokenizer, skipSpecial: true);
        _stop = [.. options.StopTokenIds];
        _logits = new float[model.Config.VocabSize];
        _scratch = new float[model.Config.VocabSize];
    }

    /// <summary>Every token of the sequence: prompt, appended and generated ones.</summary>
    public IReadOnlyList<int> Tokens => _sequence;

    /// <summary>Positions already run through the model (held in the KV cache).</summary>
    public int Position => _cache.Position;

    public int Capacity => _cache.MaxLength;

    /// <summary>Adds tokens to the sequence; they are run through the model on the next <see cref="Next"/>.</summary>
    public void Append(ReadOnlySpan<int> ids)
    {
        int vocab = _model.Config.VocabSize;
        foreach (int id in ids)
            if ((uint)id >= (uint)vocab) throw new InvalidInputException($"token id {id} is outside the vocabulary (0..{vocab - 1})");
        if (_sequence.Count + ids.Length > Capacity)
            throw new InvalidInputException($"{_sequence.Count + ids.Length} tokens exceed this session's {Capacity} positions");
        _sequence.AddRange(ids);
    }

    /// <summary>Runs pending tokens through the model, picks the next token and appends it.</summary>
    public GeneratedToken Next()
    {
        if (_sequence.Count == 0) throw new InvalidOperationException("the session has no tokens yet: Append a prompt first");
        if (_sequence.Count > Capacity)
            throw new InvalidInputException($"this session's {Capacity} positions are used up");
        if (_sequence.Count > Position) Feed();
        _logits.CopyTo(_scratch, 0);
        int id = Sampling.Choose(_scratch, _options, _sequence, _random);
        double logProbability = Sampling.LogProbability(_logits, id);
        _sequence.Add(id);   // fed on the next call, if there is one
        string text = _decoder?.Push(id) ?? "";
        return new GeneratedToken(id, text, logProbability, _stop.Contains(id));
    }

    /// <summary>Text still held back by the streaming decoder (an unfinished UTF-8 character).</summary>
    public string FlushText() => _decoder?.Flush() ?? "";

    private void Feed()
    {
        int start = Position, count = _sequence.Count - start;
        if (count == 1 && _step is not null)
        {
            _step.Forward(_sequence[start], _cache, _logits);
            return;
        }
        var ids = new long[count];
        for (int i = 0; i < count; i++) ids[i] = _sequence[start + i];
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var input = torch.tensor(ids, [1, count], device: _model.Device);
        var logits = _model.Forward(input, _cache, lastPositionOnly: true);   // (1, 1, V) float32
        var onCpu = logits.device_type == DeviceType.CPU ? logits : logits.cpu();
        onCpu.data<float>().CopyTo(_logits);
    }

    public void Dispose() => _cache.Dispose();
}
