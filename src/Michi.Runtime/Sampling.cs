// Next-token selection as pure functions on one position's logits (a float span over the
// vocabulary, modified in place): repetition penalty, temperature, top-k, top-p, then greedy
// argmax or a draw from the softmax. Each mirrors the transformers logits processor of the
// same name, so the same options give the same distribution as Hugging Face:
// - repetition penalty (Keskar et al. 2019, CTRL): a seen token's logit is divided by the
//   penalty when positive and multiplied by it when negative;
// - top-k keeps every token scoring at least the k-th best (ties included);
// - top-p (Holtzman et al. 2019, nucleus): sorted ascending, tokens are removed while the
//   cumulative probability stays ≤ 1 − p; the most likely token always survives.
// Masked tokens get −∞. The draw uses the caller's Random, so a seeded Random reproduces.
// Arithmetic that sums probabilities runs in double.
namespace Michi.Runtime;

public static class Sampling
{
    /// <summary>The whole pipeline: penalty, then argmax (greedy) or temperature, top-k, top-p and a draw.</summary>
    public static int Choose(Span<float> logits, GenerationOptions options, IEnumerable<int> seenTokens, Random random)
    {
        ApplyRepetitionPenalty(logits, seenTokens, options.RepetitionPenalty);
        if (options.Greedy) return ArgMax(logits);
        ApplyTemperature(logits, options.Temperature);
        MaskTopK(logits, options.TopK);
        MaskTopP(logits, options.TopP);
        return Sample(logits, random);
    }

    /// <summary>Penalises each distinct seen token once.</summary>
    public static void ApplyRepetitionPenalty(Span<float> logits, IEnumerable<int> seenTokens, double penalty)
    {
        if (penalty == 1.0) return;
        var done = new HashSet<int>();
        foreach (int id in seenTokens)
        {
            if ((uint)id >= (uint)logits.Length || !done.Add(id)) continue;
            float l = logits[id];
            logits[id] = l > 0 ? (float)(l / penalty) : (float)(l * penalty);
        }
    }

    public static void ApplyTemperature(Span<float> logits, double temperature)
    {
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), "temperature must be > 0");
        if (temperature == 1.0) return;
        float scale = (float)(1.0 / temperature);
        for (int i = 0; i < logits.Length; i++) logits[i] *= scale;
    }

    /// <summary>Masks everything below the k-th largest logit; k ≤ 0 or ≥ V does nothing.</summary>
    public static void MaskTopK(Span<float> logits, int k)
    {
        if (k <= 0 || k >= logits.Length) return;
        // A min-heap of the k best so far: O(V log k), no full sort.
        var heap = new PriorityQueue<float, float>(k + 1);
        foreach (float l in logits)
        {
            if (heap.Count < k) heap.Enqueue(l, l);
            else if (l > heap.Peek()) heap.EnqueueDequeue(l, l);
        }
        float threshold = heap.Peek();
        for (int i = 0; i < logits.Length; i++)
            if (logits[i] < threshold) logits[i] = float.NegativeInfinity;
    }

    /// <summary>Nucleus filtering; p ≥ 1 does nothing.</summary>
    public static void MaskTopP(Span<float> logits, double p)
    {
        if (p >= 1.0) return;
        // Only finite candidates need sorting (after top-k that is k of them).
        int count = 0;
        foreach (float l in logits) if (!float.IsNegativeInfinity(l)) count++;
        if (count <= 1) return;
        var values = new float[count];
        var indices = new int[count];
        for (int i = 0, j = 0; i < logits.Length; i++)
        {
            if (float.IsNegativeInfinity(logits[i])) continue;
            values[j] = logits[i];
            indices[j++] = i;
        }
        Array.Sort(values, indices);                                 // ascending

        double max = values[^1], sum = 0;
        foreach (float v in values) sum += Math.Exp(v - max);
        double cumulative = 0;
        for (int j = 0; j < count - 1; j++)                          // the last (best) one always stays
        {
            cumulative += Math.Exp(values[j] - max) / sum;
            if (cumulative > 1 - p) break;
            logits[indices[j]] = float.NegativeInfinity;
        }
    }

    /// <summary>Index of the largest logit (the first one on ties, as torch.argmax).</summary>
    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++)
            if (logits[i] > logits[best]) best = i;
        return best;
    }

    /// <summary>A draw from softmax(logits) by inverting the cumulative distribution.</summary>
    public static int Sample(ReadOnlySpan<float> logits, Random random)
    {
        float max = float.NegativeInfinity;
        foreach (float l in logits) if (l > max) max = l;
        if (float.IsNegativeInfinity(max) || float.IsNaN(max)) throw new ArgumentException("no token has finite probability", nameof(logits));
        double total = 0;
        foreach (float l in logits) total += Math.Exp(l - max);
        double u = random.NextDouble() * total;
        int last = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            if (float.IsNegativeInfinity(logits[i])) continue;
            last = i;
            u -= Math.Exp(logits[i] - max);
            if (u < 0) return i;
        }
        return last; // rounding left u ≥ 0: the last finite token
    }

    /// <summary>log softmax(logits)[id], in double.</summary>
    public static double LogProbability(ReadOnlySpan<float> logits, int id)
    {
        float max = float.NegativeInfinity;
        foreach (float l in logits) if (l > max) max = l;
        double total = 0;
        foreach (float l in logits) total += Math.Exp(l - max);
        return logits[id] - max - Math.Log(total);
    }
}
