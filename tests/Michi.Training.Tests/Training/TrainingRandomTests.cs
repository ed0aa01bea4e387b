using Michi.Training;

namespace Michi.Training.Tests.Training;

public class TrainingRandomTests
{
    [Fact]
    public void RestoringTheStateReplaysTheSequence()
    {
        var a = new TrainingRandom(42);
        for (int i = 0; i < 5; i++) a.NextUInt64();
        ulong saved = a.State;
        var expected = Enumerable.Range(0, 10).Select(_ => a.NextInt64(1000)).ToArray();
        var b = new TrainingRandom(0) { State = saved };
        Assert.Equal(expected, Enumerable.Range(0, 10).Select(_ => b.NextInt64(1000)).ToArray());
        Assert.NotEqual(expected, Enumerable.Range(0, 10).Select(_ => new TrainingRandom(43).NextInt64(1000)).ToArray());
    }

    [Fact]
    public void DrawsAreInRangeAndSpread()
    {
        var r = new TrainingRandom(1);
        var counts = new int[10];
        for (int i = 0; i < 10_000; i++) counts[r.NextInt64(10)]++;
        Assert.All(counts, c => Assert.InRange(c, 850, 1150));
        for (int i = 0; i < 1000; i++) Assert.InRange(r.NextDouble(), 0.0, 0.9999999999);
    }
}
