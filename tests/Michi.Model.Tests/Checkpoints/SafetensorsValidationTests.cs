// Lying or broken safetensors files must be refused with "PATH: problem" naming the tensor,
// quickly and without allocating what the header claims (checked with the thread's allocation
// counter), never with a crash or a hang.
using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Michi.Model.Checkpoints;

namespace Michi.Model.Tests.Checkpoints;

public sealed class SafetensorsValidationTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A file with the given header length field, header text and data bytes.</summary>
    private string WriteRaw(ulong headerLength, string header, int dataBytes = 0)
    {
        string path = _dir.File($"{Guid.NewGuid():N}.safetensors");
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLength);
        json.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string WriteHeader(string header, int dataBytes) => WriteRaw((ulong)Encoding.UTF8.GetByteCount(header), header, dataBytes);

    private static void AssertRefused(string path, params string[] fragments)
    {
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<InvalidInputException>(() => SafetensorsFile.Open(path).Dispose());
        clock.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.StartsWith(path + ": ", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        foreach (string fragment in fragments) Assert.Contains(fragment, error.Message);
        Assert.True(allocated < 1_000_000, $"refusing allocated {allocated} bytes");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"refusing took {clock.Elapsed}");
    }

    [Fact]
    public void HeaderLengthLargerThanTheFile() =>
        AssertRefused(WriteRaw(1000, "{}"), "header length 1000", "larger than the rest of the file");

    [Fact]
    public void HeaderLengthTwoToTheSixtySecond() =>
        AssertRefused(WriteRaw(1UL << 62, "{}"), $"header length {1UL << 62}", "limit");

    [Fact]
    public void TruncatedJson() =>
        AssertRefused(WriteHeader("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0,", 4), "not valid JSON");

    [Fact]
    public void JsonThatIsNotAnObject() =>
        AssertRefused(WriteHeader("[1, 2, 3]", 0), "must be a JSON object", "Array");

    [Fact]
    public void EmptyHeader() => AssertRefused(WriteHeader("", 0), "not valid JSON");

    [Fact]
    public void UnknownDType() =>
        AssertRefused(WriteHeader("{\"w\": {\"dtype\": \"F8_E4M3\", \"shape\": [4], \"data_offsets\": [0, 4]}}", 4),
            "tensor 'w'", "unknown dtype \"F8_E4M3\"");

    [Fact]
    public void LowerCaseDTypeIsNotAccepted() =>
        AssertRefused(WriteHeader("{\"w\": {\"dtype\": \"f32\", \"shape\": [1], \"data_offsets\": [0, 4]}}", 4),
            "tensor 'w'", "unknown dtype");

    [Fact]
    public void OffsetsPastTheEnd() =>
        AssertRefused(WriteHeader("{\"w\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}}", 4),
            "tensor 'w'", "past the end of the data (4 bytes)");

    [Fact]
    public void OffsetsThatEndBeforeTheyBegin() =>
        AssertRefused(WriteHeader("{\"w\": {\"dtype\": \"U8\", \"shape\": [0], \"data_offsets\": [4, 0]}}", 4),
            "tensor 'w'", "end before they begin");

    [Fact]
    public void OverlappingTensors() =>
        AssertRefused(WriteHeader(
            "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}," +
            " \"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}", 12),
            "'a' [0, 8)", "'b' [4, 12)", "overlap");

    [Fact]
    public void ShapeTimesDTypeSizeDiffersFromByteCount() =>
        AssertRefused(WriteHeader("{\"w\": {\"dtype\": \"BF16\", \"shape\": [3], \"data_offsets\": [0, 8]}}", 8),
            "tensor 'w'", "needs 6 bytes", "span 8");

    [Fact]
    public void NegativeDimension() =>
        AssertRefused(WriteHeader("{\"w\": {\"dtype\": \"F32\", \"shape\": [-1, 2], \"data_offsets\": [0, 8]}}", 8),
            "tensor 'w'", "non-negative");

    [Fact]
    public void FractionalDimension() =>
        AssertRefused(WriteHeader("{\"w\": {\"dtype\": \"F32\", \"shape\": [1.5], \"data_offsets\": [0, 4]}}", 4),
            "tensor 'w'", "non-negative integers");

    [Fact]
    public void HugeShapeThatOverflows() =>
        AssertRefused(WriteHeader("{\"w\": {\"dtype\": \"F32\", \"shape\": [4294967296, 4294967296], \"data_offsets\": [0, 4]}}", 4),
            "tensor 'w'", "too large");

    [Fact]
    public void HugeShapeThatFitsButLies() =>
        AssertRefused(WriteHeader("{\"w\": {\"dtype\": \"F64\", \"shape\": [1000000000, 1000], \"data_offsets\": [0, 8]}}", 8),
            "tensor 'w'", "needs 8000000000000 bytes");

    [Fact]
    public void DuplicateTensorName() =>
        AssertRefused(WriteHeader(
            "{\"w\": {\"dtype\": \"U8\", \"shape\": [1], \"data_offsets\": [0, 1]}," +
            " \"w\": {\"dtype\": \"U8\", \"shape\": [1], \"data_offsets\": [1, 2]}}", 2),
            "tensor 'w'", "twice");

    [Fact]
    public void MissingDataOffsets() =>
        AssertRefused(WriteHeader("{\"w\": {\"dtype\": \"U8\", \"shape\": [1]}}", 1), "tensor 'w'", "data_offsets");

    [Fact]
    public void NonStringMetadata() =>
        AssertRefused(WriteHeader("{\"__metadata__\": {\"step\": 3}}", 0), "__metadata__", "'step'", "must be a string");

    [Fact]
    public void MissingFile() => AssertRefused(_dir.File("absent.safetensors"), "not found");

    [Fact]
    public void DirectoryInsteadOfFile() => AssertRefused(_dir.Path, "is a directory");

    [Fact]
    public void ThreeByteFile()
    {
        string path = _dir.File("tiny.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        AssertRefused(path, "3 bytes");
    }

    [Fact]
    public void NamedPipeIsRefusedWithoutBlocking()
    {
        // Opening a FIFO blocks until a writer appears; it must be refused before that.
        string path = _dir.File("pipe.safetensors");
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", path)) mkfifo.WaitForExit();
        AssertRefused(path, "0 bytes");
    }

    [Fact]
    public void InvalidBoolByteIsRefusedOnRead()
    {
        string path = WriteHeader("{\"m\": {\"dtype\": \"BOOL\", \"shape\": [2], \"data_offsets\": [0, 2]}}", 2);
        var bytes = File.ReadAllBytes(path);
        bytes[^1] = 7;
        File.WriteAllBytes(path, bytes);

        using var file = SafetensorsFile.Open(path);
        var error = Assert.Throws<InvalidInputException>(() => file.ReadTensor("m").Dispose());
        Assert.Contains("tensor 'm'", error.Message);
        Assert.Contains("BOOL byte 7", error.Message);
    }

    [Fact]
    public void UnknownTensorNameIsRefused()
    {
        string path = WriteHeader("{\"w\": {\"dtype\": \"U8\", \"shape\": [1], \"data_offsets\": [0, 1]}}", 1);
        using var file = SafetensorsFile.Open(path);
        var error = Assert.Throws<InvalidInputException>(() => file.ReadTensor("v").Dispose());
        Assert.Equal($"{path}: no tensor named 'v'", error.Message);
    }

    [Fact]
    public void ValidHandWrittenFileIsAccepted()
    {
        // Guards the tests above: the same construction with a truthful header opens.
        string path = WriteHeader(
            "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}," +
            " \"z\": {\"dtype\": \"I64\", \"shape\": [0, 3], \"data_offsets\": [8, 8]}}", 8);
        using var file = SafetensorsFile.Open(path);
        Assert.Equal(2, file.Entries.Count);
        Assert.Empty(file.Metadata);
    }
}
