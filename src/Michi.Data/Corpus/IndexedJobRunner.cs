// The scheduling shared by the corpus writers (`data synth`, `data dialogues`): items 0, 1, 2, …
// are made by N workers that take the next index from a shared counter; each item's content is
// a pure function of its index, so scheduling never changes the output.
// Length: a fixed count, or, with a target duration, the first K items that reach it (K is
// deterministic; items still in flight past K finish but are not counted). A failing item is
// reported and skipped; a run of nothing but failures stops instead of spinning.
namespace Michi.Data.Corpus;

/// <summary>What one item gave: its duration in seconds, and whether it was already complete on disk.</summary>
public readonly record struct JobOutcome(double Seconds, bool WasComplete);

public sealed record JobRunProgress(int Items, double Seconds, string? Note);

public sealed record JobRunSummary(int Items, int Made, int Skipped, int Failed, double Seconds, IReadOnlyList<string> Errors);

public static class IndexedJobRunner
{
    public const int MaxConsecutiveFailures = 25;

    /// <param name="count">Items to make when <paramref name="targetSeconds"/> is null.</param>
    /// <param name="targetSeconds">When set, make items until the first K of them hold this many seconds.</param>
    /// <param name="job">Makes (or finds complete) item i.</param>
    /// <param name="describe">Names item i in error messages ("000042 (flite:rms)").</param>
    /// <param name="what">The activity, for the stop message ("synthesis").</param>
    public static async Task<JobRunSummary> RunAsync(int count, double? targetSeconds, int workers,
                                                     Func<int, CancellationToken, Task<JobOutcome>> job, Func<int, string> describe,
                                                     string what, Action<JobRunProgress>? progress = null, CancellationToken ct = default)
    {
        if (workers < 1) throw new InvalidInputException("--workers must be at least 1");
        var gate = new object();
        var seconds = new Dictionary<int, double>();
        var errors = new List<string>();
        int next = 0, prefixEnd = 0, made = 0, skipped = 0, failed = 0, consecutiveFailures = 0;
        double prefixSeconds = 0, target = targetSeconds ?? 0;
        bool stop = false;
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(ct);

        async Task Worker()
        {
            while (true)
            {
                int index;
                lock (gate)
                {
                    if (stop || (targetSeconds is null && next >= count)) return;
                    index = next++;
                }
                JobOutcome outcome = default;
                string? error = null;
                try
                {
                    outcome = await job(index, abort.Token);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    error = $"{describe(index)}: {e.Message.ReplaceLineEndings(" ")}";
                }
                lock (gate)
                {
                    seconds[index] = error == null ? outcome.Seconds : 0;
                    if (error != null)
                    {
                        failed++;
                        errors.Add(error);
                        if (++consecutiveFailures >= MaxConsecutiveFailures) { stop = true; abort.Cancel(); }
                    }
                    else
                    {
                        consecutiveFailures = 0;
                        if (outcome.WasComplete) skipped++; else made++;
                    }
                    // The prefix stops growing at the target: items still in flight when it was
                    // reached finish (their files are complete) but are not counted, so the output
                    // is the same first K items whatever the number of workers.
                    while (!(targetSeconds is not null && prefixSeconds >= target) && seconds.TryGetValue(prefixEnd, out double d))
                    {
                        prefixSeconds += d;
                        seconds.Remove(prefixEnd);
                        prefixEnd++;
                    }
                    if (targetSeconds is not null && prefixSeconds >= target) stop = true;
                    progress?.Invoke(new JobRunProgress(prefixEnd, prefixSeconds, error));
                }
            }
        }

        try
        {
            await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(Worker, CancellationToken.None)));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Aborted because of repeated failures: reported below.
        }
        ct.ThrowIfCancellationRequested();
        if (consecutiveFailures >= MaxConsecutiveFailures)
            throw new InvalidOperationException($"{what} stopped after {MaxConsecutiveFailures} failures in a row; last: {errors[^1]}");
        return new JobRunSummary(prefixEnd, made, skipped, failed, prefixSeconds, errors);
    }
}
