// The metrics plot (OUT/metrics.png), redrawn from metrics.csv at every validation and
// checkpoint: top, the spectral losses (training mel L1 and held-out validation mel distance,
// the number to watch); bottom, the adversarial terms once the discriminators are on. ScottPlot
// 5 renders with SkiaSharp; its Linux natives and fonts load here (checked), and the PNG is
// written atomically.
using ScottPlot;

namespace Michi.Training;

public static class MetricsPlot
{
    public const string FileName = "metrics.png";

    public static void Write(string path, IReadOnlyList<IReadOnlyDictionary<string, double>> rows, int width = 1000, int height = 800)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        var spectral = multiplot.GetPlot(0);
        AddSeries(spectral, rows, "mel", "train mel L1", markers: false);
        AddSeries(spectral, rows, "val_mel", "validation mel L1", markers: true);
        spectral.Title("Codec training: log-mel L1 (multi-resolution)");
        spectral.XLabel("step");
        spectral.ShowLegend(Alignment.UpperRight);

        var gan = multiplot.GetPlot(1);
        AddSeries(gan, rows, "disc", "discriminator (LSGAN)", markers: false);
        AddSeries(gan, rows, "adv", "generator adversarial", markers: false);
        AddSeries(gan, rows, "fm", "feature matching", markers: false);
        gan.Title("Adversarial losses");
        gan.XLabel("step");
        gan.ShowLegend(Alignment.UpperRight);

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
