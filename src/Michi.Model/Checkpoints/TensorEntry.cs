// One tensor's description in a safetensors header: name, element type, shape and its byte
// range [Begin, End) relative to the start of the data buffer (the byte after the header).
// Entries are only built by SafetensorsHeader after validation, so ByteCount always equals
// product(Shape) × DType.Size().
using static TorchSharp.torch;

namespace Michi.Model.Checkpoints;

public sealed record TensorEntry(string Name, SafetensorsDType DType, long[] Shape, long Begin, long End)
{
    public long ByteCount => End - Begin;

    public long ElementCount => ByteCount / DType.Size();

    public ScalarType ScalarType => DType.ToScalarType();

    /// <summary>"[959, 64]", for messages.</summary>
    public string ShapeText => FormatShape(Shape);

    internal static string FormatShape(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";
}
