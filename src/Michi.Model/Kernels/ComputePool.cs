// A fork-join pool for the many small parallel loops of a batch-1 decoder step (≈ 130 products
// of 20-200 µs each per token): the calling thread and Threads − 1 persistent workers claim
// chunks of one loop from a shared counter until none are left.
// Why not Parallel.For: it costs several µs per call and its work items can wait behind other
// thread-pool work. Why dynamic chunks rather than one fixed half per thread: on a shared
// machine a worker is often descheduled; the caller then takes its chunks instead of waiting,
// and only a chunk already started is waited for.
// The claim counter packs (generation, chunk count, next chunk) in one 64-bit word, so a worker
// that read a finished loop's state can never claim a chunk of the next loop by mistake.
// Idle workers spin for a while (the next product comes a few µs later), then sleep on an event.
// Reserve(n) lends n threads' cores to other work for a while (the speech generator's vocoder
// step, which overlaps the next frame's products): until the reservation is disposed, only
// Threads − n threads (at least the caller) run chunks, and the others sleep instead of competing
// for the lent core. A worker preempted in the middle of a chunk would otherwise hold up the
// whole loop until the scheduler runs it again (milliseconds, against ≈ 100 µs chunks).
// Loops are not nested: a loop started from inside a chunk, or while another thread's loop
// runs, executes on the calling thread alone.
using System.Diagnostics;

namespace Michi.Model.Kernels;

/// <summary>One parallel loop: Run(i) for every chunk i in [0, count), in any order, on any thread.</summary>
public interface IChunkedWork
{
    void Run(int chunk);
}

public sealed class ComputePool : IDisposable
{
    const int CountBits = 22, NextBits = 22;
    const long NextMask = (1L << NextBits) - 1, CountMask = (1L << CountBits) - 1;
    public const int MaxChunks = (1 << CountBits) - 1;

    static readonly Lazy<ComputePool> SharedPool = new(() => new ComputePool(Environment.ProcessorCount));
    static readonly long SpinTicks = Stopwatch.Frequency / 5000;   // 200 µs

    readonly Thread[] _workers;
    readonly ManualResetEventSlim[] _wake;
    readonly int[] _sleeping;
    readonly Lock _gate = new();
    long _state;                 // generation << 44 | count << 22 | next
    long _generation;
    int _done;
    int _reserved;               // threads lent out (Reserve)
    IChunkedWork? _work;
    Exception? _failure;
    volatile bool _disposed;
    [ThreadStatic] static bool t_insideChunk;

    public ComputePool(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Threads = threads;
        _workers = new Thread[threads - 1];
        _wake = new ManualResetEventSlim[threads - 1];
        _sleeping = new int[threads - 1];
        for (int i = 0; i < _workers.Length; i++)
        {
            int index = i;
            _wake[i] = new ManualResetEventSlim(false);
            _workers[i] = new Thread(() => WorkerLoop(index)) { IsBackground = true, Name = $"michi-compute-{i + 1}" };
            _workers[i].Start();
        }
    }

    /// <summary>The process-wide pool, one thread per core (the caller counts as one).</summary>
    public static ComputePool Shared => SharedPool.Value;

    /// <summary>Threads that run chunks, the calling thread included.</summary>
    public int Threads { get; }

    /// <summary>Threads that run chunks now: Threads less those lent out by Reserve, at least 1.</summary>
    public int ActiveThreads => Math.Max(1, Threads - Volatile.Read(ref _reserved));

    /// <summary>Lends <paramref name="threads"/> threads' cores to other work until the result is
    /// disposed (reservations add up; the caller of For always runs chunks).</summary>
    public IDisposable Reserve(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        Interlocked.Add(ref _reserved, threads);
        return new Reservation(this, threads);
    }

    sealed class Reservation(ComputePool pool, int threads) : IDisposable
    {
        int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) Interlocked.Add(ref pool._reserved, -threads);
        }
    }

    /// <summary>Worker <paramref name="index"/> runs chunks only while the reservations leave it a core.</summary>
    bool Participates(int index) => index < ActiveThreads - 1;

    /// <summary>Runs work.Run(i) for i in [0, chunks) and returns when all have finished. An
    /// exception from a chunk is rethrown here (the other chunks still run).</summary>
    public void For(int chunks, IChunkedWork work)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentOutOfRangeException.ThrowIfNegative(chunks);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(chunks, MaxChunks);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (chunks == 0) return;
        if (chunks == 1 || _workers.Length == 0 || ActiveThreads == 1 || t_insideChunk || !_gate.TryEnter())
        {
            for (int i = 0; i < chunks; i++) work.Run(i);
            return;
        }
        try
        {
            _work = work;
            _failure = null;
            Volatile.Write(ref _done, 0);
            _generation++;
            Interlocked.Exchange(ref _state, (_generation << (CountBits + NextBits)) | ((long)chunks << NextBits));
            for (int i = 0; i < _workers.Length; i++)
                if (Participates(i) && Volatile.Read(ref _sleeping[i]) != 0) _wake[i].Set();

            while (TryRunOne()) { }
            var spin = new SpinWait();
            while (Volatile.Read(ref _done) < chunks) spin.SpinOnce(sleep1Threshold: -1);
            _work = null;
            if (_failure is { } failure) throw new AggregateException("a parallel chunk failed", failure);
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>Claims and runs one chunk of the current loop; false when none is left.</summary>
    bool TryRunOne()
    {
        while (true)
        {
            long state = Volatile.Read(ref _state);
            long next = state & NextMask, count = (state >> NextBits) & CountMask;
            if (next >= count) return false;
            if (Interlocked.CompareExchange(ref _state, state + 1, state) != state) continue;
            // The claimed chunk is unfinished, so For has not moved on: _work is this loop's.
            var work = _work!;
            t_insideChunk = true;
            try { work.Run((int)next); }
            catch (Exception e) { Interlocked.CompareExchange(ref _failure, e, null); }
            finally
            {
                t_insideChunk = false;
                Interlocked.Increment(ref _done);
            }
            return true;
        }
    }

    void WorkerLoop(int index)
    {
        long idleSince = Stopwatch.GetTimestamp();
        while (!_disposed)
        {
            if (Participates(index) && TryRunOne())
            {
                idleSince = Stopwatch.GetTimestamp();
                continue;
            }
            if (Stopwatch.GetTimestamp() - idleSince < SpinTicks)
            {
                Thread.SpinWait(20);
                continue;
            }
            // Sleep. The flag is raised (with a full fence) before the last look at the state, and
            // For publishes the state (full fence) before reading the flag: one of them sees the other.
            _wake[index].Reset();
            Interlocked.Exchange(ref _sleeping[index], 1);
            if (!(Participates(index) && HasWork()) && !_disposed) _wake[index].Wait();
            Interlocked.Exchange(ref _sleeping[index], 0);
            idleSince = Stopwatch.GetTimestamp();
        }
    }

    bool HasWork()
    {
        long state = Volatile.Read(ref _state);
        return (state & NextMask) < ((state >> NextBits) & CountMask);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var wake in _wake) wake.Set();
        foreach (var worker in _workers) worker.Join();
        foreach (var wake in _wake) wake.Dispose();
    }
}
