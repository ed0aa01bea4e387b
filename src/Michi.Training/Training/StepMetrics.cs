// Scalar results of one training step, accumulated into interval averages for the CSV.
namespace Michi.Training;

public sealed class StepMetrics
{
    private readonly Dictionary<string, double> _sums = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public void Add(string name, double value)
    {
        _sums[name] = _sums.GetValueOrDefault(name) + value;
        _counts[name] = _counts.GetValueOrDefault(name) + 1;
    }

    public bool IsEmpty => _counts.Count == 0;

    /// <summary>The averages since the last reset, then reset.</summary>
    public Dictionary<string, double> TakeAverages()
    {
        var averages = _sums.ToDictionary(kv => kv.Key, kv => kv.Value / _counts[kv.Key], StringComparer.Ordinal);
        _sums.Clear();
        _counts.Clear();
        return averages;
    }
}
