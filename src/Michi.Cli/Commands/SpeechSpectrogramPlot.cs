// The spectrogram sheet of `michi eval speech` (OUT/spectrograms.png): one row per sample
// sentence, the model's recording on the left and a TTS voice's on the right, as log-mel
// spectrograms (Michi.Audio.LogMel with Michi's 24 kHz features, the codec's own view of audio)
// on one colour scale across the sheet, so a missing harmonic structure, smeared onsets or a
// wrong level show at a glance. ScottPlot 5 (already used for MetricsPlot; it comes to the CLI
// through Michi.Training) draws the heatmaps; the PNG is written atomically.
using Michi.Audio;
using ScottPlot;

namespace Michi.Cli.Commands;

/// <summary>One row: a title and the two WAV files compared.</summary>
sealed record SpectrogramRow(string Title, string ModelWav, string TtsWav, string TtsVoice);

static class SpeechSpectrogramPlot
{
    /// <summary>ln-mel floor and ceiling of the colour scale (ln 1e-5 ≈ −11.5; loud speech ≈ 2).</summary>
    const double Low = -11.5, High = 2.5;

    public static void Write(string path, IReadOnlyList<SpectrogramRow> rows, int width = 1400, int rowHeight = 300)
    {
        if (rows.Count == 0) throw new ArgumentException("nothing to plot", nameof(rows));
        var config = MelConfig.Default;
        var bank = MelFilterbank.Create(config);
        var multiplot = new Multiplot();
        multiplot.AddPlots(2 * rows.Count);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows.Count, 2);
        for (int r = 0; r < rows.Count; r++)
        {
            Draw(multiplot.GetPlot(2 * r), rows[r].ModelWav, $"model {rows[r].Title}", bank);
            Draw(multiplot.GetPlot(2 * r + 1), rows[r].TtsWav, $"{rows[r].TtsVoice} {rows[r].Title}", bank);
        }
        string temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp.png");
        multiplot.SavePng(temp, width, rowHeight * rows.Count);
        File.Move(temp, path, overwrite: true);
    }

    static void Draw(Plot plot, string wav, string title, MelFilterbank bank)
    {
        var config = bank.Config;
        var (samples, rate) = WavFile.ReadMono(wav);
        float[] x = rate == config.SampleRate ? samples : Resampler.Resample(samples, rate, config.SampleRate);
        float[,] mel = LogMel.Compute(x, bank);   // (frames, mels)
        int frames = Math.Max(1, mel.GetLength(0)), mels = config.NMels;
        // Heatmap rows run top to bottom: row 0 is the highest band, so low frequencies sit at the bottom.
        var grid = new double[mels, frames];      // (mels, frames)
        for (int t = 0; t < mel.GetLength(0); t++)
            for (int m = 0; m < mels; m++) grid[mels - 1 - m, t] = Math.Clamp(mel[t, m], Low, High);
        var heatmap = plot.Add.Heatmap(grid);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.ManualRange = new ScottPlot.Range(Low, High);
        double seconds = (double)x.Length / config.SampleRate;
        heatmap.Extent = new CoordinateRect(0, Math.Max(seconds, 1e-3), 0, mels);
        plot.Title(title, size: 12);
        plot.XLabel("seconds");
        plot.YLabel("mel band");
        plot.Axes.SetLimits(0, Math.Max(seconds, 1e-3), 0, mels);
    }
}
