// bfloat16 ↔ float32 bit conversions. A bfloat16 is the top 16 bits of a float32 (same sign and
// exponent, 7 mantissa bits), so widening is a 16-bit left shift, and narrowing rounds the low
// 16 bits away to nearest, ties to even, as LibTorch's c10::BFloat16 does (NaN stays NaN).
// Reference: c10/util/BFloat16.h (round_to_nearest_even).
namespace Michi.Model.Kernels;

public static class BFloat16Bits
{
    public static float ToSingle(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    public static ushort FromSingle(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x0040);     // keep it a (quiet) NaN
        uint roundingBias = 0x7FFF + ((bits >> 16) & 1);
        return (ushort)((bits + roundingBias) >> 16);
    }

    public static void ToSingle(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        if (destination.Length < source.Length) throw new ArgumentException("destination is shorter than source", nameof(destination));
        for (int i = 0; i < source.Length; i++) destination[i] = ToSingle(source[i]);
    }

    public static void FromSingle(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        if (destination.Length < source.Length) throw new ArgumentException("destination is shorter than source", nameof(destination));
        for (int i = 0; i < source.Length; i++) destination[i] = FromSingle(source[i]);
    }
}
