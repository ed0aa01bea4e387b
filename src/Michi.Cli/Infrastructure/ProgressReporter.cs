// Progress for long work: a Spectre.Console bar on an interactive terminal, plain lines (at most
// one every few seconds) when output is redirected, so logs and CI stay readable.
using Spectre.Console;

namespace Michi.Cli.Infrastructure;

public static class ProgressReporter
{
    /// <summary>Runs <paramref name="work"/>, giving it a callback (done, total, note) to report progress.</summary>
    public static async Task<T> RunAsync<T>(string title, double total, Func<Action<double, string?>, Task<T>> work, TextWriter? plainOutput = null)
    {
        if (plainOutput != null || Console.IsOutputRedirected || Console.IsErrorRedirected)
        {
            var output = plainOutput ?? Console.Error;
            var last = DateTime.MinValue;
            double lastDone = double.NaN;
            void Report(double done, string? note)
            {
                var now = DateTime.UtcNow;
                if (done == lastDone || ((now - last).TotalSeconds < 2 && done < total)) return;
                (last, lastDone) = (now, done);
                output.WriteLine($"{title}: {done:0}/{total:0} ({100 * done / Math.Max(total, 1e-9):0}%){(note is null ? "" : " " + note)}");
            }
            return await work(Report);
        }

        T result = default!;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(title, maxValue: total);
                result = await work((done, note) =>
                {
                    task.Value = done;
                    if (note != null) task.Description = $"{title} {Markup.Escape(note)}";
                });
                task.Value = total;
            });
        return result;
    }
}
