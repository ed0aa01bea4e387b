// The step loop shared by the text and speech trainers (the codec trainer, which came first,
// keeps its own equivalent loop): train one step at a time up to TrainingSchedule.Steps, log
// interval averages to metrics.csv, validate and checkpoint at fixed intervals, redraw
// metrics.png, report progress after every step, write a checkpoint on cancellation before
// returning, and at the end publish the final model as OUT/model (DirectoryPublisher).
// A subclass supplies one optimisation step, the learning rate of a step, a validation (columns
// named val_*), the files of a checkpoint and the final model's files. Everything that makes a
// resumed run equal an uninterrupted one (weights, moments, RNG states, the step) is the
// subclass's checkpoint; this loop keeps nothing else between steps.
using System.Diagnostics;
using System.Globalization;
using Michi.Model;

namespace Michi.Training;

/// <summary>How a run is carried out, as opposed to what it computes: these may change between
/// sittings of one run without changing its result.</summary>
public sealed record TrainingSchedule
{
    /// <summary>Total steps of the run (a resumed run continues up to this step).</summary>
    public long Steps { get; init; } = 1000;
    public int LogEvery { get; init; } = 10;
    public int ValidateEvery { get; init; } = 200;
    public int CheckpointEvery { get; init; } = 200;

    /// <summary>Step checkpoints kept on disk (the newest ones).</summary>
    public int KeepCheckpoints { get; init; } = 3;

    public string? Validate()
    {
        if (Steps < 0) return "steps must be ≥ 0";
        if (LogEvery < 1 || ValidateEvery < 1 || CheckpointEvery < 1) return "log, validation and checkpoint intervals must be ≥ 1";
        return KeepCheckpoints < 1 ? "keep_checkpoints must be ≥ 1" : null;
    }
}

/// <summary>After every step and on events (data loaded, resumed, validated, checkpoint written).</summary>
public sealed record TrainingProgress(long Step, long TotalSteps, double Loss, double StepsPerSecond,
    IReadOnlyDictionary<string, double>? Validation, string? Message = null);

/// <summary>Where a run ended: last step, last checkpoint, the published model, the last validation.</summary>
public sealed record TrainingResult(long Step, string CheckpointDirectory, string ModelDirectory,
    IReadOnlyDictionary<string, double> Validation, double ElapsedSeconds, double StepsPerSecond);

public abstract class StepTrainer : IDisposable
{
    /// <summary>OUT/model: the final model of a run.</summary>
    public const string ModelDirectoryName = "model";

    private readonly TrainingSchedule _schedule;
    private readonly IReadOnlyList<MetricsPanel> _panels;
    private IReadOnlyDictionary<string, double>? _lastValidation;

    protected StepTrainer(string outputDirectory, TrainingSchedule schedule, IReadOnlyList<string> columns, IReadOnlyList<MetricsPanel> panels)
    {
        OutputDirectory = outputDirectory;
        _schedule = schedule;
        _panels = panels;
        Directory.CreateDirectory(outputDirectory);
        Store = new CheckpointStore(outputDirectory);
        Metrics = new MetricsLog(Path.Combine(outputDirectory, MetricsLog.FileName), columns);
    }

    public string OutputDirectory { get; }
    public long Step { get; protected set; }
    internal CheckpointStore Store { get; }
    protected MetricsLog Metrics { get; }

    /// <summary>Seconds trained before this sitting (restored from the checkpoint).</summary>
    protected double ElapsedBefore { get; set; }

    /// <summary>One optimisation step; adds its scalars to <paramref name="metrics"/> and returns the loss.</summary>
    protected abstract double TrainStep(StepMetrics metrics);

    /// <summary>The learning rate of the update after <paramref name="step"/> updates.</summary>
    protected abstract double LearningRateAt(long step);

    /// <summary>Held-out measures, named val_* (empty when there is nothing to validate on).</summary>
    public abstract IReadOnlyDictionary<string, double> Validate();

    /// <summary>Fills a checkpoint folder, calling <paramref name="written"/> after each file.</summary>
    protected abstract void WriteCheckpoint(string folder, Action<string> written, double elapsedSeconds);

    /// <summary>Writes the final model into an empty folder.</summary>
    protected abstract void ExportModel(string folder);

    public TrainingResult Run(Action<TrainingProgress>? progress = null, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        long target = _schedule.Steps;
        if (Step > 0) progress?.Invoke(Event($"resumed at step {Step}"));
        Metrics.TruncateAfter(Step == 0 ? -1 : Step);
        if (Step == 0) RecordValidation(progress, clock);

        var interval = new StepMetrics();
        long intervalStart = Stopwatch.GetTimestamp(), intervalSteps = 0, lastSaved = Step;
        double stepsPerSecond = 0;
        string lastCheckpoint = Store.Latest() ?? "";
        while (Step < target)
        {
            if (ct.IsCancellationRequested)
            {
                if (Step > lastSaved) Save(clock);
                ct.ThrowIfCancellationRequested();
            }
            double loss;
            using (GcPause.Start()) loss = TrainStep(interval);   // see Michi.Model/GcPause.cs
            Step++;
            intervalSteps++;
            stepsPerSecond = intervalSteps / Math.Max(Stopwatch.GetElapsedTime(intervalStart).TotalSeconds, 1e-9);
            progress?.Invoke(new TrainingProgress(Step, target, loss, stepsPerSecond, _lastValidation));

            if (Step % _schedule.LogEvery == 0 || Step == target)
            {
                var row = interval.TakeAverages();
                row["step"] = Step;
                row["seconds"] = Elapsed(clock);
                row["lr"] = LearningRateAt(Step - 1);
                row["steps_per_s"] = stepsPerSecond;
                Metrics.Append(row);
                intervalStart = Stopwatch.GetTimestamp();
                intervalSteps = 0;
            }
            if (Step % _schedule.ValidateEvery == 0 || Step == target) RecordValidation(progress, clock);
            if (Step % _schedule.CheckpointEvery == 0 || Step == target)
            {
                lastCheckpoint = Save(clock);
                lastSaved = Step;
                progress?.Invoke(Event($"checkpoint {Path.GetFileName(lastCheckpoint)}"));
            }
        }
        if (lastCheckpoint.Length == 0 || Step > lastSaved) lastCheckpoint = Save(clock);
        string model = Path.Combine(OutputDirectory, ModelDirectoryName);
        DirectoryPublisher.Publish(model, ExportModel);
        progress?.Invoke(Event($"model written to {model}"));
        return new TrainingResult(Step, lastCheckpoint, model, _lastValidation ?? new Dictionary<string, double>(), Elapsed(clock), stepsPerSecond);
    }

    private void RecordValidation(Action<TrainingProgress>? progress, Stopwatch clock)
    {
        IReadOnlyDictionary<string, double> values;
        using (GcPause.Start()) values = Validate();
        if (values.Count == 0) return;
        _lastValidation = values;
        var row = new Dictionary<string, double>(values, StringComparer.Ordinal) { ["step"] = Step, ["seconds"] = Elapsed(clock) };
        Metrics.Append(row);
        string text = string.Join(", ", values.Select(kv => $"{kv.Key} {kv.Value.ToString("0.0000", CultureInfo.InvariantCulture)}"));
        progress?.Invoke(Event($"validation: {text}") with { Validation = values });
        TryPlot(progress);
    }

    private void TryPlot(Action<TrainingProgress>? progress)
    {
        try
        {
            MetricsPlot.Write(Path.Combine(OutputDirectory, MetricsPlot.FileName),
                Metrics.ReadAll().Cast<IReadOnlyDictionary<string, double>>().ToList(), _panels);
        }
        catch (Exception e) when (e is IOException or TypeInitializationException or DllNotFoundException or InvalidOperationException)
        {
            progress?.Invoke(Event($"warning: metrics plot not written ({e.Message.Split('\n')[0]})"));
        }
    }

    protected double Elapsed(Stopwatch clock) => ElapsedBefore + clock.Elapsed.TotalSeconds;

    private string Save(Stopwatch clock)
    {
        double elapsed = Elapsed(clock);
        return Store.Save(Step, (folder, written) => WriteCheckpoint(folder, written, elapsed), _schedule.KeepCheckpoints);
    }

    protected TrainingProgress Event(string message) =>
        new(Step, _schedule.Steps, double.NaN, double.NaN, _lastValidation, message);

    public abstract void Dispose();
}
