// Tensor helpers for the checkpoint tests: random bit patterns per dtype and byte-level equality.
using Michi.Model.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Tests.Checkpoints;

internal static class TestTensors
{
    /// <summary>Random bytes reinterpreted as <paramref name="dtype"/>: for floats this covers NaN
    /// payloads, infinities, subnormals and -0; BOOL gets only 0 and 1 (anything else is invalid).</summary>
    public static Tensor Random(SafetensorsDType dtype, long[] shape, int seed)
    {
        var tensor = torch.empty(shape, dtype: dtype.ToScalarType());
        var bytes = tensor.bytes;
        var random = new Random(seed);
        random.NextBytes(bytes);
        if (dtype == SafetensorsDType.BOOL)
            for (int i = 0; i < bytes.Length; i++) bytes[i] &= 1;
        return tensor;
    }

    /// <summary>Same shape and equal values (TorchSharp's Tensor.equal is element-wise).</summary>
    public static bool SameValues(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape)) return false;
        using var equal = a.eq(b);
        using var all = equal.all();
        return all.item<bool>();
    }

    public static bool BitEqual(Tensor a, Tensor b)
    {
        using var ca = a.contiguous();
        using var cb = b.contiguous();
        return a.dtype == b.dtype && a.shape.SequenceEqual(b.shape) && ca.bytes.SequenceEqual(cb.bytes);
    }
}
