// SafetensorsFile.ForEachChunk splits tensors over 1 GB into spans (a Span holds at most 2 GB);
// driven here with a 12-byte chunk so the split path runs without a huge tensor.
using Michi.Model.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Tests.Checkpoints;

public sealed class ChunkingTests
{
    [Fact]
    public void ChunksCoverTheTensorInOrder()
    {
        // 10 int32 elements in 12-byte chunks: 3 elements per chunk, last chunk 1 element.
        using var tensor = torch.arange(10, dtype: ScalarType.Int32);
        var seen = new List<(long Offset, byte[] Bytes)>();

        SafetensorsFile.ForEachChunk(tensor, 40, (span, offset) => seen.Add((offset, span.ToArray())), chunkBytes: 12);

        Assert.Equal([0L, 12L, 24L, 36L], seen.Select(s => s.Offset));
        Assert.Equal([12, 12, 12, 4], seen.Select(s => s.Bytes.Length));
        Assert.Equal(tensor.bytes.ToArray(), seen.SelectMany(s => s.Bytes).ToArray());
    }
}
