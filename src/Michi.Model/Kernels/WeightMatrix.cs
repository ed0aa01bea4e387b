// A read-only view of a row-major (out × in) weight matrix in memory, float32 or bfloat16 bits,
// for the matrix-vector kernels. It is a bare pointer, typically into a TorchSharp tensor's own
// storage (no copy): whoever makes one keeps the tensor alive and unmoved while it is used.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Kernels;

public enum WeightType { Float32, BFloat16 }

public readonly unsafe struct WeightMatrix
{
    public WeightMatrix(void* data, int rows, int columns, WeightType type)
    {
        if (data == null) throw new ArgumentNullException(nameof(data));
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        Data = (nint)data;
        Rows = rows;
        Columns = columns;
        Type = type;
    }

    public nint Data { get; }
    public int Rows { get; }
    public int Columns { get; }
    public WeightType Type { get; }

    public int ElementSize => Type == WeightType.BFloat16 ? 2 : 4;
    public long Bytes => (long)Rows * Columns * ElementSize;

    /// <summary>Rows [start, start + count) as a matrix of their own (no copy).</summary>
    public WeightMatrix Slice(int start, int count)
    {
        if (start < 0 || count < 1 || start + count > Rows)
            throw new ArgumentOutOfRangeException(nameof(count), $"rows {start}..{start + count} outside 0..{Rows}");
        return new WeightMatrix((byte*)Data + (long)start * Columns * ElementSize, count, Columns, Type);
    }

    /// <summary>Views a 2-D, contiguous, CPU float32 or bfloat16 tensor's storage. The tensor must
    /// outlive the view and keep its storage (an in-place copy_ into it is fine; replacing the
    /// parameter, or .to() another dtype or device, is not).</summary>
    public static WeightMatrix Of(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.dim() != 2) throw new ArgumentException($"weight must be 2-D, got {weight.dim()} dimensions", nameof(weight));
        if (weight.device_type != DeviceType.CPU) throw new ArgumentException($"weight must be on the CPU, got {weight.device}", nameof(weight));
        if (!weight.is_contiguous()) throw new ArgumentException("weight must be contiguous", nameof(weight));
        WeightType type = weight.dtype switch
        {
            ScalarType.Float32 => WeightType.Float32,
            ScalarType.BFloat16 => WeightType.BFloat16,
            _ => throw new NotSupportedException($"weight dtype {weight.dtype}: the kernels read float32 or bfloat16"),
        };
        return new WeightMatrix(Pointer(weight), checked((int)weight.shape[0]), checked((int)weight.shape[1]), type);
    }

    /// <summary>The address of a contiguous CPU tensor's first element (TorchSharp has no data_ptr;
    /// its byte span over the native storage gives the same address).</summary>
    internal static void* Pointer(Tensor tensor) => Unsafe.AsPointer(ref MemoryMarshal.GetReference(tensor.bytes));
}
