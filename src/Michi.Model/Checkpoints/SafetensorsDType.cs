// The element types a safetensors file may declare, with their on-disk names, sizes and the
// matching TorchSharp scalar types. Names and sizes follow the safetensors specification
// (https://github.com/huggingface/safetensors, "Format"); all values are little-endian.
// F8 variants, U16/U32/U64 and complex types are refused: LibTorch 2.x cannot hold all of
// them and no checkpoint Michi reads uses them.
using static TorchSharp.torch;

namespace Michi.Model.Checkpoints;

public enum SafetensorsDType
{
    F64,
    F32,
    F16,
    BF16,
    I64,
    I32,
    I16,
    I8,
    U8,
    BOOL,
}

public static class SafetensorsDTypes
{
    /// <summary>The names accepted in a header, for error messages.</summary>
    public static string KnownNames => string.Join(", ", Enum.GetNames<SafetensorsDType>());

    /// <summary>Parses the exact (case-sensitive) name used in a safetensors header.</summary>
    public static bool TryParse(string? name, out SafetensorsDType dtype)
    {
        dtype = default;
        // Enum.TryParse would also accept "3" or "f32"; the format only knows the upper-case names.
        if (name is null || name.Length == 0 || !char.IsAsciiLetterUpper(name[0])) return false;
        return Enum.TryParse(name, ignoreCase: false, out dtype) && Enum.IsDefined(dtype);
    }

    /// <summary>Bytes per element.</summary>
    public static int Size(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.F64 or SafetensorsDType.I64 => 8,
        SafetensorsDType.F32 or SafetensorsDType.I32 => 4,
        SafetensorsDType.F16 or SafetensorsDType.BF16 or SafetensorsDType.I16 => 2,
        SafetensorsDType.I8 or SafetensorsDType.U8 or SafetensorsDType.BOOL => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    public static ScalarType ToScalarType(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.F64 => ScalarType.Float64,
        SafetensorsDType.F32 => ScalarType.Float32,
        SafetensorsDType.F16 => ScalarType.Float16,
        SafetensorsDType.BF16 => ScalarType.BFloat16,
        SafetensorsDType.I64 => ScalarType.Int64,
        SafetensorsDType.I32 => ScalarType.Int32,
        SafetensorsDType.I16 => ScalarType.Int16,
        SafetensorsDType.I8 => ScalarType.Int8,
        SafetensorsDType.U8 => ScalarType.Byte,
        SafetensorsDType.BOOL => ScalarType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>The safetensors type for a TorchSharp scalar type; false for types the format
    /// (or this reader) does not carry, e.g. complex.</summary>
    public static bool TryFromScalarType(ScalarType type, out SafetensorsDType dtype)
    {
        (bool ok, dtype) = type switch
        {
            ScalarType.Float64 => (true, SafetensorsDType.F64),
            ScalarType.Float32 => (true, SafetensorsDType.F32),
            ScalarType.Float16 => (true, SafetensorsDType.F16),
            ScalarType.BFloat16 => (true, SafetensorsDType.BF16),
            ScalarType.Int64 => (true, SafetensorsDType.I64),
            ScalarType.Int32 => (true, SafetensorsDType.I32),
            ScalarType.Int16 => (true, SafetensorsDType.I16),
            ScalarType.Int8 => (true, SafetensorsDType.I8),
            ScalarType.Byte => (true, SafetensorsDType.U8),
            ScalarType.Bool => (true, SafetensorsDType.BOOL),
            _ => (false, default(SafetensorsDType)),
        };
        return ok;
    }
}
