// Perplexity of a model's text stream on a token sequence: the sequence is cut into consecutive
// windows of at most `window` tokens, each window is scored on its own (its first token is
// context only), and mean_nll is the mean over every predicted token of −log p(token | the
// window's earlier tokens), natural log; ppl = exp(mean_nll). Windows of equal length are
// stacked into batches. The log-softmax is taken in float64, over every logit the model gives
// (for a speech model: the extended vocabulary, PAD and end of turn included, since that is
// the distribution its text head samples from).
// Shapes: ids (B, T) → logits (B, T, V).
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Training.Text;

public sealed record PerplexityResult(double MeanNll, long Tokens)
{
    public double Perplexity => Math.Exp(MeanNll);
}

public static class TextPerplexity
{
    /// <summary>Scores <paramref name="tokens"/> with <paramref name="logits"/> ((B, T) int64 ids → (B, T, V) logits).</summary>
    public static PerplexityResult Evaluate(Func<Tensor, Tensor> logits, IReadOnlyList<int> tokens, int window, Device device,
        int batchSize = 8, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (tokens.Count < 2) throw new InvalidInputException($"perplexity needs at least 2 tokens (got {tokens.Count})");
        var starts = new List<int>();
        for (int s = 0; s + 1 < tokens.Count; s += window) starts.Add(s);

        double sum = 0;
        long count = 0;
        using var noGrad = torch.no_grad();
        // Full windows in batches, then the last (shorter) window alone.
        foreach (var group in starts.GroupBy(s => Math.Min(window, tokens.Count - s)))
        {
            int length = group.Key;
            foreach (var chunk in group.Chunk(batchSize))
            {
                ct.ThrowIfCancellationRequested();
                using var scope = torch.NewDisposeScope();
                var ids = new long[chunk.Length * length];
                for (int b = 0; b < chunk.Length; b++)
                    for (int i = 0; i < length; i++) ids[b * length + i] = tokens[chunk[b] + i];
                var input = torch.tensor(ids, [chunk.Length, length], device: device);                   // (B, T)
                var logProbs = logits(input).narrow(1, 0, length - 1).to(ScalarType.Float64).log_softmax(-1);  // (B, T − 1, V)
                var targets = input.narrow(1, 1, length - 1).unsqueeze(-1);                               // (B, T − 1, 1)
                sum -= logProbs.gather(2, targets).sum().item<double>();
                count += chunk.Length * (long)(length - 1);
            }
        }
        return new PerplexityResult(sum / count, count);
    }
}
