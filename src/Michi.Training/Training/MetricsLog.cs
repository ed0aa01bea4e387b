// Training metrics as CSV (OUT/metrics.csv), one row per logged interval (averages of the
// steps since the previous row) or per validation (val_* only). The header is fixed per run
// (the codec's Columns unless a trainer passes its own); empty cells are values not measured
// in that row. On resume the file is rewritten (atomically)
// without the rows after the checkpoint's step, so a crash between a checkpoint and later log
// lines leaves no duplicate steps once training continues.
using System.Globalization;

namespace Michi.Training;

public sealed class MetricsLog(string path, IReadOnlyList<string>? columns = null)
{
    public const string FileName = "metrics.csv";

    /// <summary>The codec trainer's columns, in order (the default header).</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "step", "epoch", "seconds", "lr", "steps_per_s", "loss", "mel", "convergence", "log_magnitude", "kl", "adv", "fm", "disc",
        "grad_norm", "disc_grad_norm", "val_mel", "f0", "val_f0",
    ];

    public string Path { get; } = path;

    /// <summary>This log's columns, in order; "step" first.</summary>
    public IReadOnlyList<string> Header { get; } = columns ?? Columns;

    public void Append(IReadOnlyDictionary<string, double> row)
    {
        bool fresh = !File.Exists(Path) || new FileInfo(Path).Length == 0;
        using var writer = new StreamWriter(Path, append: true);
        if (fresh) writer.WriteLine(string.Join(',', Header));
        writer.WriteLine(Format(row));
    }

    /// <summary>Keeps only rows with step ≤ <paramref name="step"/> (and drops a torn last line).</summary>
    public void TruncateAfter(long step)
    {
        if (!File.Exists(Path)) return;
        var kept = ReadAll().Where(r => r.TryGetValue("step", out double s) && s <= step).ToList();
        AtomicFile.Write(Path, temp =>
        {
            using var writer = new StreamWriter(temp);
            writer.WriteLine(string.Join(',', Header));
            foreach (var row in kept) writer.WriteLine(Format(row));
        });
    }

    /// <summary>Every complete row, as column → value (empty cells absent).</summary>
    public List<Dictionary<string, double>> ReadAll()
    {
        var rows = new List<Dictionary<string, double>>();
        if (!File.Exists(Path)) return rows;
        string[] lines = File.ReadAllLines(Path);
        if (lines.Length == 0) return rows;
        string[] header = lines[0].Split(',');
        foreach (string line in lines.Skip(1))
        {
            string[] cells = line.Split(',');
            if (cells.Length != header.Length) continue;    // a line torn by a crash
            var row = new Dictionary<string, double>(StringComparer.Ordinal);
            for (int i = 0; i < cells.Length; i++)
                if (double.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out double v)) row[header[i]] = v;
            if (row.ContainsKey("step")) rows.Add(row);
        }
        return rows;
    }

    private string Format(IReadOnlyDictionary<string, double> row) =>
        string.Join(',', Header.Select(c => row.TryGetValue(c, out double v) ? v.ToString("R", CultureInfo.InvariantCulture) : ""));
}
