using System.Runtime;

namespace Michi.Model.Tests;

public class GcPauseTests
{
    [Fact]
    public void NoCollectionInsideAPauseAndNormalModeAfter()
    {
        lock (GcLock.Gate)
        {
            int before;
            using (var pause = GcPause.Start(64L << 20))
            {
                Assert.True(pause.Started);
                Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
                before = GC.CollectionCount(0);
                for (int i = 0; i < 10_000; i++) _ = new byte[100];     // ≈ 1.2 MB, well inside the budget
                // Tests in parallel may exhaust the budget, which ends the pause; while it holds, no collection.
                if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) Assert.Equal(before, GC.CollectionCount(0));
                using var nested = GcPause.Start();                       // a pause in a pause is a no-op
                Assert.False(nested.Started);
            }
            Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        }
    }

    [Fact]
    public void ExceedingTheBudgetEndsThePauseWithoutThrowing()
    {
        lock (GcLock.Gate)
        {
            using (var pause = GcPause.Start(1L << 20))
            {
                for (int i = 0; i < 200; i++) _ = new byte[100_000];     // 20 MB: the runtime collects anyway
            }
            Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        }
    }

    private static class GcLock
    {
        public static readonly object Gate = new();
    }
}
