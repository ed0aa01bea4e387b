// Shared checks for streaming layers: (1) feeding any chunking of a signal gives the output of
// one offline call (max |diff| ≤ 1e-5); (2) causality: changing the input from some point on
// leaves every earlier output bit-identical, and does change some later output (so the check
// can fail).
using Michi.Model.Streaming;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Tests.Streaming;

internal static class StreamingCheck
{
    public const double Tolerance = 1e-5;

    /// <summary>Same shape and bit-identical values.</summary>
    public static bool Identical(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape)) return false;
        using var same = a.eq(b);
        using var all = same.all();
        return all.item<bool>();
    }

    /// <summary>Random chunk lengths summing to <paramref name="total"/>: starts with a run of
    /// 1s, includes empty and odd chunks, the rest uniform in 1..maxChunk.</summary>
    public static List<long> RandomChunks(long total, int maxChunk, int seed)
    {
        var rng = new Random(seed);
        var chunks = new List<long>();
        long left = total;
        for (int i = 0; i < 3 && left > 0; i++, left--) chunks.Add(1);
        chunks.Add(0);
        while (left > 0)
        {
            long n = Math.Min(left, rng.Next(1, maxChunk + 1) | 1); // odd sizes
            if (rng.Next(4) == 0) n = Math.Min(left, rng.Next(1, maxChunk + 1));
            chunks.Add(n);
            left -= n;
        }
        return chunks;
    }

    /// <summary>Streams <paramref name="x"/> through a fresh state in the given chunks along
    /// <paramref name="inDim"/> and concatenates the outputs along <paramref name="outDim"/>.</summary>
    public static Tensor Stream<TState>(IStreamingModule<TState> layer, Tensor x, int inDim, int outDim, IEnumerable<long> chunks)
        where TState : IStreamingState
    {
        using var state = layer.CreateState(x.shape[0]);
        var outputs = new List<Tensor>();
        long start = 0;
        foreach (long n in chunks)
        {
            using var piece = x.narrow(inDim, start, n);
            outputs.Add(layer.Step(piece, state));
            start += n;
        }
        Assert.Equal(x.shape[inDim], start);
        var all = torch.cat(outputs, outDim);
        foreach (var o in outputs) o.Dispose();
        return all;
    }

    /// <summary>Any chunking equals the offline call, for several random chunkings and frame-sized steps.</summary>
    public static void StreamingMatchesOffline<TState>(IStreamingModule<TState> layer, Func<Tensor, Tensor> offline,
        Tensor x, int inDim, int outDim, int maxChunk, long? stepSize = null, double tolerance = Tolerance)
        where TState : IStreamingState
    {
        using var _ = torch.no_grad();
        using var expected = offline(x);
        long total = x.shape[inDim];
        var chunkings = new List<List<long>> { RandomChunks(total, maxChunk, 1), RandomChunks(total, maxChunk, 2) };
        if (stepSize is { } s)
        {
            var fixedSteps = new List<long>();
            for (long left = total; left > 0; left -= s) fixedSteps.Add(Math.Min(s, left));
            chunkings.Add(fixedSteps);
        }
        foreach (var chunks in chunkings)
        {
            using var streamed = Stream(layer, x, inDim, outDim, chunks);
            Assert.Equal(expected.shape, streamed.shape);
            double diff = streamed.sub(expected).abs().max().item<float>();
            Assert.True(diff <= tolerance, $"streaming differs from offline by {diff} (chunks {string.Join(",", chunks.Take(12))}…)");
        }
    }

    /// <summary>Perturbs x from input index <paramref name="cut"/> on; outputs before
    /// ⌊cut · outLength / inLength⌋ must not change at all, some output after must.</summary>
    public static void IsCausal(Func<Tensor, Tensor> offline, Tensor x, int inDim, int outDim, long cut)
    {
        using var _ = torch.no_grad();
        using var perturbed = x.clone();
        long total = x.shape[inDim];
        using (var tail = perturbed.narrow(inDim, cut, total - cut))
        using (var noise = torch.randn(tail.shape, generator: new Generator(7)))
            tail.add_(noise);
        using var a = offline(x);
        using var b = offline(perturbed);
        Assert.Equal(a.shape, b.shape);
        long outLength = a.shape[outDim];
        long past = cut * outLength / total;
        Assert.True(past > 0 && past < outLength, $"cut {cut} leaves no past or no future output ({past} of {outLength})");
        using var headA = a.narrow(outDim, 0, past);
        using var headB = b.narrow(outDim, 0, past);
        Assert.True(Identical(headA, headB), "an output before the perturbation changed: the layer looks ahead");
        using var tailA = a.narrow(outDim, past, outLength - past);
        using var tailB = b.narrow(outDim, past, outLength - past);
        Assert.False(Identical(tailA, tailB), "no output after the perturbation changed: the check cannot fail");
    }
}
