// Distances between voice profiles, and the identification test built on them (`michi eval
// speech`, issue 7: "output is closer to its prompt voice than to any other voice").
// Distance: each of VoiceProfile's dimensions is standardised by its mean and standard deviation
// over a fitting set (the TTS recordings of the voice pool: the same units for every comparison,
// independent of the model being judged), then the root-mean-square of the differences in those
// z units: 0 = identical, ≈ 1.4 = as far apart as two random members of the pool. A dimension
// that is missing on either side (no voiced frame: no F0) is skipped; a dimension with no spread
// in the fitting set (one voice) keeps its raw units.
// Identification: candidate i belongs to reference i; it is identified when reference i is the
// closest of all references. The rate over candidates is the "closest = own voice" accuracy;
// chance is 1 / references.
namespace Michi.Data.Evaluation;

/// <summary>A standardisation fitted on a set of profiles: the space distances are measured in.</summary>
public sealed class VoiceSpace
{
    readonly double[] _mean, _scale;

    VoiceSpace(double[] mean, double[] scale) => (_mean, _scale) = (mean, scale);

    public int Dimensions => _mean.Length;

    /// <summary>Per-dimension mean and population standard deviation over <paramref name="profiles"/>
    /// (missing values skipped; no spread → scale 1).</summary>
    public static VoiceSpace Fit(IReadOnlyList<VoiceProfile> profiles)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        if (profiles.Count == 0) throw new ArgumentException("fitting a voice space needs at least one profile", nameof(profiles));
        var vectors = profiles.Select(p => p.Vector).ToList();
        int n = vectors[0].Length;
        var mean = new double[n];
        var scale = new double[n];
        for (int d = 0; d < n; d++)
        {
            var values = vectors.Select(v => v[d]).Where(double.IsFinite).ToArray();
            mean[d] = values.Length > 0 ? values.Average() : 0;
            double sd = values.Length > 1 ? Math.Sqrt(values.Average(v => (v - mean[d]) * (v - mean[d]))) : 0;
            scale[d] = sd > 1e-9 ? sd : 1;
        }
        return new VoiceSpace(mean, scale);
    }

    /// <summary>RMS over the dimensions present on both sides of the standardised difference.</summary>
    public double Distance(VoiceProfile a, VoiceProfile b)
    {
        double[] x = a.Vector, y = b.Vector;
        if (x.Length != Dimensions || y.Length != Dimensions) throw new ArgumentException("profiles of another size than the space");
        double sum = 0;
        int used = 0;
        for (int d = 0; d < Dimensions; d++)
        {
            if (!double.IsFinite(x[d]) || !double.IsFinite(y[d])) continue;
            double z = (x[d] - y[d]) / _scale[d];
            sum += z * z;
            used++;
        }
        return used == 0 ? double.NaN : Math.Sqrt(sum / used);
    }
}

/// <summary>One candidate against every reference: its distances, which reference is closest,
/// and whether that is its own.</summary>
public sealed record Identification(int Own, double[] Distances, int Closest)
{
    public bool Correct => Closest == Own;

    public double OwnDistance => Distances[Own];

    /// <summary>Nearest other reference's distance (NaN with a single reference).</summary>
    public double NearestOtherDistance => Distances.Where((_, i) => i != Own).DefaultIfEmpty(double.NaN).Min();
}

public static class VoiceSimilarity
{
    /// <summary>Candidate i against references 0..n−1, its own being reference i.</summary>
    public static IReadOnlyList<Identification> Identify(VoiceSpace space, IReadOnlyList<VoiceProfile> candidates, IReadOnlyList<VoiceProfile> references)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (candidates.Count != references.Count) throw new ArgumentException("one reference per candidate is needed");
        var results = new List<Identification>(candidates.Count);
        for (int i = 0; i < candidates.Count; i++)
        {
            double[] distances = [.. references.Select(r => space.Distance(candidates[i], r))];
            int closest = 0;
            for (int j = 1; j < distances.Length; j++)
                if (distances[j] < distances[closest] || double.IsNaN(distances[closest])) closest = j;
            results.Add(new Identification(i, distances, closest));
        }
        return results;
    }

    /// <summary>Share of candidates whose own reference is the closest; NaN for none.</summary>
    public static double Accuracy(IReadOnlyList<Identification> results) =>
        results.Count == 0 ? double.NaN : results.Count(r => r.Correct) / (double)results.Count;
}
