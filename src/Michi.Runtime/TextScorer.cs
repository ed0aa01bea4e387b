// Per-token negative log-likelihood of a token sequence: token_nll[t] = −log p(ids[t+1] | ids[..t])
// for t = 0 .. T−2, and their mean (natural log; exp(mean) is the perplexity). The sequence
// runs through the model in chunks that share a KV cache, so memory stays bounded by the chunk
// (the (chunk, V) logits), not by the text length; the log-softmax is taken in float64.
using Michi.Model.Backbone;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Runtime;

/// <param name="TokenNll">One value per predicted token: T − 1 of them.</param>
public sealed record TextScore(IReadOnlyList<int> Ids, IReadOnlyList<double> TokenNll, double MeanNll);

public sealed class TextScorer
{
    private readonly LlamaForCausalLM _model;
    private readonly int _chunk;

    public TextScorer(LlamaForCausalLM model, int chunkSize = 256)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        _model = model;
        _chunk = chunkSize;
    }

    public TextScore Score(IReadOnlyList<int> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        int t = ids.Count, vocab = _model.Config.VocabSize;
        if (t < 2) throw new InvalidInputException($"scoring needs at least 2 tokens (got {t})");
        if (t > _model.Config.MaxPositionEmbeddings)
            throw new InvalidInputException($"{t} tokens exceed the model's context of {_model.Config.MaxPositionEmbeddings}");
        foreach (int id in ids)
            if ((uint)id >= (uint)vocab) throw new InvalidInputException($"token id {id} is outside the vocabulary (0..{vocab - 1})");

        var nll = new double[t - 1];
        using var cache = _model.NewCache(t);
        for (int start = 0; start < t - 1; start += _chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(_chunk, t - 1 - start);   // positions whose next token is known
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var input = torch.tensor(Slice(ids, start, n), [1, n], device: _model.Device);
            var targets = torch.tensor(Slice(ids, start + 1, n), [n, 1], device: _model.Device);
            var logits = _model.Forward(input, cache);                          // (1, n, V) float32
            var logProbs = logits[0].to(ScalarType.Float64).log_softmax(-1);    // (n, V)
            var picked = logProbs.gather(1, targets).cpu();                     // (n, 1)
            var values = picked.data<double>();
            for (int i = 0; i < n; i++) nll[start + i] = -values[i];
        }
        return new TextScore(ids.ToArray(), nll, nll.Average());
    }

    private static long[] Slice(IReadOnlyList<int> ids, int start, int count)
    {
        var slice = new long[count];
        for (int i = 0; i < count; i++) slice[i] = ids[start + i];
        return slice;
    }
}
