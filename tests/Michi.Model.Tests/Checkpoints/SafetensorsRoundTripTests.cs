// Writing then reading safetensors: every dtype bit-exact, the on-disk layout as the format
// specifies it (checked by parsing the raw file independently of SafetensorsFile), atomic
// replacement.
using System.Buffers.Binary;
using System.Text.Json;
using Michi.Model.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Tests.Checkpoints;

public sealed class SafetensorsRoundTripTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<SafetensorsDType> AllDTypes => new(Enum.GetValues<SafetensorsDType>());

    [Theory]
    [MemberData(nameof(AllDTypes))]
    public void EveryDTypeRoundTripsBitExactly(SafetensorsDType dtype)
    {
        using var matrix = TestTensors.Random(dtype, [3, 5, 7], seed: (int)dtype);
        using var scalar = TestTensors.Random(dtype, [], seed: 100 + (int)dtype);
        using var empty = torch.empty([0, 4], dtype: dtype.ToScalarType());
        string path = _dir.File("all.safetensors");

        SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { ["matrix"] = matrix, ["scalar"] = scalar, ["empty"] = empty });

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(["empty", "matrix", "scalar"], file.Entries.Keys.Order());
        foreach (var (name, original) in new[] { ("matrix", matrix), ("scalar", scalar), ("empty", empty) })
        {
            Assert.Equal(dtype, file.Entries[name].DType);
            Assert.Equal(original.shape, file.Entries[name].Shape);
            using var read = file.ReadTensor(name);
            Assert.Equal(DeviceType.CPU, read.device_type);
            Assert.True(read.is_contiguous());
            Assert.True(TestTensors.BitEqual(original, read), $"{dtype} '{name}' changed in the round trip");
        }
    }

    [Fact]
    public void LayoutFollowsTheSpecification()
    {
        using var b = torch.tensor(new float[] { 1.5f, -2f, float.NegativeInfinity });
        using var a = torch.tensor(new short[] { 1, -1 }).to(ScalarType.BFloat16); // bf16 1 = 0x3F80, -1 = 0xBF80
        string path = _dir.File("layout.safetensors");
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "héllo \"quoted\"" };

        SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { ["b"] = b, ["a"] = a }, metadata);

        byte[] raw = File.ReadAllBytes(path);
        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(raw);
        Assert.Equal(0, headerLength % 8); // padded so the data buffer starts 8-aligned
        Assert.Equal(raw.Length, 8 + headerLength + 2 * 2 + 3 * 4);
        using var header = JsonDocument.Parse(raw.AsMemory(8, (int)headerLength));
        var names = header.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["__metadata__", "a", "b"], names);
        Assert.Equal("héllo \"quoted\"", header.RootElement.GetProperty("__metadata__").GetProperty("note").GetString());

        var entryA = header.RootElement.GetProperty("a");
        Assert.Equal("BF16", entryA.GetProperty("dtype").GetString());
        Assert.Equal([0L, 4L], entryA.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()));
        var entryB = header.RootElement.GetProperty("b");
        Assert.Equal("F32", entryB.GetProperty("dtype").GetString());
        Assert.Equal([3L], entryB.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal([4L, 16L], entryB.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()));

        var data = raw.AsSpan((int)(8 + headerLength));
        Assert.Equal(new byte[] { 0x80, 0x3F, 0x80, 0xBF }, data[..4].ToArray());
        Assert.Equal(1.5f, BinaryPrimitives.ReadSingleLittleEndian(data[4..]));
        Assert.Equal(-2f, BinaryPrimitives.ReadSingleLittleEndian(data[8..]));
        Assert.Equal(float.NegativeInfinity, BinaryPrimitives.ReadSingleLittleEndian(data[12..]));

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(metadata, file.Metadata);
    }

    [Fact]
    public void StridedAndGradTensorsAreWrittenByValue()
    {
        using var source = torch.arange(12, dtype: ScalarType.Float32).reshape(3, 4);
        using var transposed = source.t(); // (4, 3), not contiguous
        using var parameter = new TorchSharp.Modules.Parameter(torch.ones(2, 2)); // requires grad
        string path = _dir.File("strided.safetensors");

        SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { ["t"] = transposed, ["p"] = parameter });

        using var file = SafetensorsFile.Open(path);
        using var t = file.ReadTensor("t");
        using var p = file.ReadTensor("p");
        Assert.Equal([4L, 3L], t.shape);
        Assert.True(TestTensors.SameValues(t, transposed));
        Assert.True(TestTensors.SameValues(p, parameter));
        Assert.False(p.requires_grad);
        Assert.False(source.IsInvalid); // the caller's tensors are not disposed by the writer
        Assert.False(transposed.IsInvalid);
    }

    [Fact]
    public void ReadWithDTypeConverts()
    {
        using var values = torch.tensor(new float[] { 0.1f, 1f / 3, 1000.5f });
        using var bf16 = values.to(ScalarType.BFloat16);
        string path = _dir.File("convert.safetensors");
        SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { ["x"] = bf16 });

        using var file = SafetensorsFile.Open(path);
        using var asFloat = file.ReadTensor("x", ScalarType.Float32);

        Assert.Equal(ScalarType.Float32, asFloat.dtype);
        using var expected = bf16.to(ScalarType.Float32);
        Assert.True(TestTensors.SameValues(asFloat, expected));
        Assert.False(TestTensors.SameValues(asFloat, values)); // bf16 rounding really happened
    }

    [Fact]
    public void WriteReplacesAtomicallyAndLeavesNoTemporaryFiles()
    {
        string path = _dir.File("model.safetensors");
        using var first = torch.zeros(2);
        using var second = torch.ones(5);
        SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { ["x"] = first });

        SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { ["x"] = second });
        using var complex = torch.zeros(2, dtype: ScalarType.ComplexFloat32);
        Assert.Throws<ArgumentException>(() =>
            SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { ["x"] = complex }));

        Assert.Equal(["model.safetensors"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
        using var file = SafetensorsFile.Open(path);
        using var x = file.ReadTensor("x");
        Assert.True(TestTensors.SameValues(x, second));
    }

    [Fact]
    public void ReservedNameIsRefused()
    {
        using var x = torch.zeros(1);
        Assert.Throws<ArgumentException>(() =>
            SafetensorsWriter.Write(_dir.File("m.safetensors"), new Dictionary<string, Tensor> { ["__metadata__"] = x }));
    }
}
