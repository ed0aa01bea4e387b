// The metrics plot (OUT/metrics.png), redrawn from metrics.csv at every validation and
// checkpoint. The codec's: top, the spectral losses (training mel L1 and held-out validation
// mel distance, the number to watch); bottom, the adversarial terms once the discriminators
// are on. Other trainers describe their own panels (MetricsPanel: a title and the columns
// drawn in it, markers for sparse validation rows) and go through the same writer. ScottPlot
// 5 renders with SkiaSharp; its Linux natives and fonts load here (checked), and the PNG is
// written atomically.
using ScottPlot;

namespace Michi.Training;

/// <summary>One curve: a metrics.csv column, its legend, and markers (for sparse rows such as validations).</summary>
public sealed record MetricsSeries(string Column, string Label, bool Markers = false);

/// <summary>One panel of the plot: a title and its curves, against the step.</summary>
public sealed record MetricsPanel(string Title, IReadOnlyList<MetricsSeries> Series);

public static class MetricsPlot
{
    public const string FileName = "metrics.png";

    /// <summary>The codec trainer's panels.</summary>
    public static IReadOnlyList<MetricsPanel> CodecPanels { get; } =
    [
        new("Codec training: log-mel L1 (multi-resolution)", [new("mel", "train mel L1"), new("val_mel", "validation mel L1", true)]),
        new("Adversarial losses",
            [new("disc", "discriminator (LSGAN)"), new("adv", "generator adversarial"), new("fm", "feature matching")]),
        new("F0 error, |log f̂0 − log f0| on voiced hops (harmonic vocoders)", [new("f0", "train"), new("val_f0", "validation", true)]),
    ];

    public static void Write(string path, IReadOnlyList<IReadOnlyDictionary<string, double>> rows, int width = 1000, int height = 800) =>
        Write(path, rows, CodecPanels, width, height);

    public static void Write(string path, IReadOnlyList<IReadOnlyDictionary<string, double>> rows, IReadOnlyList<MetricsPanel> panels,
        int width = 1000, int height = 800)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(panels.Count);
        for (int i = 0; i < panels.Count; i++)
        {
            var plot = multiplot.GetPlot(i);
            foreach (var series in panels[i].Series) AddSeries(plot, rows, series.Column, series.Label, series.Markers);
            plot.Title(panels[i].Title);
            plot.XLabel("step");
            plot.ShowLegend(Alignment.UpperRight);
        }
        AtomicFile.Write(path, temp => multiplot.SavePng(temp, width, height));
    }

    private static void AddSeries(Plot plot, IReadOnlyList<IReadOnlyDictionary<string, double>> rows, string column, string label, bool markers)
    {
        var points = rows.Where(r => r.ContainsKey(column) && double.IsFinite(r[column])).Select(r => (X: r["step"], Y: r[column])).ToArray();
        if (points.Length == 0) return;
        var scatter = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
        scatter.LegendText = label;
        scatter.MarkerSize = markers ? 6 : 0;
        if (markers) scatter.LineWidth = 1;
    }
}
