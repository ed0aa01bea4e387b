// The fork-join pool: every chunk runs exactly once per loop, over many back-to-back loops (the
// claim counter must never leak a chunk from one loop into the next), exceptions reach the
// caller, and a loop started inside a chunk runs inline instead of deadlocking.
using Michi.Model.Kernels;

namespace Michi.Model.Tests.Kernels;

public class ComputePoolTests
{
    sealed class CountingWork(int chunks) : IChunkedWork
    {
        public readonly int[] Runs = new int[chunks];
        public void Run(int chunk) => Interlocked.Increment(ref Runs[chunk]);
    }

    [Fact]
    public void EveryChunkRunsOnceAcrossManyLoops()
    {
        using var pool = new ComputePool(3);
        var random = new Random(1);
        for (int loop = 0; loop < 20_000; loop++)
        {
            int chunks = random.Next(0, 40);
            var work = new CountingWork(chunks);
            pool.For(chunks, work);
            Assert.All(work.Runs, n => Assert.Equal(1, n));
        }
    }

    [Fact]
    public void WorkersTakeChunksAndWakeAfterSleeping()
    {
        using var pool = new ComputePool(2);
        var threads = new System.Collections.Concurrent.ConcurrentDictionary<int, bool>();
        var work = new ActionWork(_ => { threads[Environment.CurrentManagedThreadId] = true; Thread.Sleep(2); });
        pool.For(20, work);
        Thread.Sleep(300);          // past the spin window: the worker is asleep now
        pool.For(20, work);
        Assert.Equal(2, threads.Count);
    }

    [Fact]
    public void ChunkExceptionReachesTheCaller()
    {
        using var pool = new ComputePool(2);
        var e = Assert.Throws<AggregateException>(() => pool.For(8, new ActionWork(i => { if (i == 5) throw new InvalidOperationException("boom"); })));
        Assert.IsType<InvalidOperationException>(e.InnerException);
        var after = new CountingWork(8);
        pool.For(8, after);          // the pool still works
        Assert.All(after.Runs, n => Assert.Equal(1, n));
    }

    [Fact]
    public void NestedLoopRunsInline()
    {
        using var pool = new ComputePool(2);
        var inner = new CountingWork(4 * 6);
        pool.For(4, new ActionWork(i => pool.For(6, new ActionWork(j => Interlocked.Increment(ref inner.Runs[i * 6 + j])))));
        Assert.All(inner.Runs, n => Assert.Equal(1, n));
    }

    [Fact]
    public void ReservedThreadsRunNoChunksUntilReleased()
    {
        using var pool = new ComputePool(2);
        var threads = new System.Collections.Concurrent.ConcurrentDictionary<int, bool>();
        var work = new ActionWork(_ => { threads[Environment.CurrentManagedThreadId] = true; Thread.SpinWait(20_000); });
        using (pool.Reserve(1))
        {
            Assert.Equal(1, pool.ActiveThreads);
            for (int i = 0; i < 20; i++) pool.For(8, work);
            Assert.Equal([Environment.CurrentManagedThreadId], threads.Keys);   // the caller alone
        }
        Assert.Equal(2, pool.ActiveThreads);
        for (int i = 0; i < 200 && threads.Count < 2; i++) pool.For(8, work);
        Assert.Equal(2, threads.Count);                                          // the worker is back
        using (pool.Reserve(5)) Assert.Equal(1, pool.ActiveThreads);             // never below the caller
    }

    sealed class ActionWork(Action<int> action) : IChunkedWork
    {
        public void Run(int chunk) => action(chunk);
    }
}
