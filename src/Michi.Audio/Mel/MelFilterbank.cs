// The (NMels, NFft/2+1) matrix of triangular filters that maps a one-sided spectrum to mel
// bands, built exactly as librosa.filters.mel does: NMels + 2 points evenly spaced in mel
// between FMin and FMax are converted back to Hz; band m rises linearly from point m to point
// m+1 and falls to point m+2, evaluated at the FFT bin frequencies k·sr/NFft; Slaney
// normalisation scales each row by 2 / (f[m+2] − f[m]) so bands have equal area.
// Computed in double, stored as float32 like librosa's default dtype. An explicit, immutable
// object: whoever computes many spectrograms builds it once and passes it (no global cache).
// Reference: librosa 0.10 librosa/filters.py `mel`.
namespace Michi.Audio;

public sealed class MelFilterbank
{
    readonly float[] _weights;   // (NMels, NFreqs) row-major
    readonly int[] _first;       // (NMels) first non-zero bin of each row
    readonly int[] _end;         // (NMels) one past the last non-zero bin
    readonly double[] _pointsHz; // (NMels + 2) band edges: f[m], f[m+1] (centre), f[m+2]

    MelFilterbank(MelConfig config, float[] weights, double[] pointsHz)
    {
        Config = config;
        _weights = weights;
        _pointsHz = pointsHz;
        _first = new int[NMels];
        _end = new int[NMels];
        for (int m = 0; m < NMels; m++)
        {
            ReadOnlySpan<float> row = Row(m);
            int first = row.IndexOfAnyExcept(0f);
            _first[m] = first < 0 ? 0 : first;
            _end[m] = first < 0 ? 0 : row.LastIndexOfAnyExcept(0f) + 1;
        }
    }

    public MelConfig Config { get; }
    public int NMels => Config.NMels;
    public int NFreqs => Config.NFreqs;

    /// <summary>Builds the filterbank for <paramref name="config"/> (validated first).</summary>
    public static MelFilterbank Create(MelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        int nMels = config.NMels, nFreqs = config.NFreqs;
        double[] f = MelConversion.MelFrequencies(nMels + 2, config.FMin, config.FMaxHz, config.Scale);
        var weights = new float[nMels * nFreqs];
        double binHz = (double)config.SampleRate / config.NFft;
        for (int m = 0; m < nMels; m++)
        {
            double lowWidth = f[m + 1] - f[m], highWidth = f[m + 2] - f[m + 1];
            double norm = config.Norm == MelNorm.Slaney ? 2.0 / (f[m + 2] - f[m]) : 1.0;
            for (int k = 0; k < nFreqs; k++)
            {
                double hz = k * binHz; // librosa.fft_frequencies = numpy.fft.rfftfreq(NFft, 1/sr)
                double lower = (hz - f[m]) / lowWidth;        // −ramps[m] / fdiff[m]
                double upper = (f[m + 2] - hz) / highWidth;   // ramps[m+2] / fdiff[m+1]
                weights[m * nFreqs + k] = (float)(Math.Max(0, Math.Min(lower, upper)) * norm);
            }
        }
        return new MelFilterbank(config, weights, f);
    }

    /// <summary>Weights of band <paramref name="mel"/> over the NFreqs bins.</summary>
    public ReadOnlySpan<float> Row(int mel) => _weights.AsSpan(mel * NFreqs, NFreqs);

    /// <summary>Peak frequency (Hz) of band <paramref name="mel"/>: point mel+1 of the mel grid.</summary>
    public double CenterHz(int mel) => _pointsHz[mel + 1];

    /// <summary>The NMels + 2 band edge frequencies in Hz (librosa's mel_f).</summary>
    public IReadOnlyList<double> PointsHz => _pointsHz;

    /// <summary>A copy as a (NMels, NFreqs) matrix.</summary>
    public float[,] ToMatrix()
    {
        var m = new float[NMels, NFreqs];
        for (int i = 0; i < NMels; i++)
            for (int k = 0; k < NFreqs; k++) m[i, k] = _weights[i * NFreqs + k];
        return m;
    }

    /// <summary>mel[m] = Σ_k W[m, k] · spectrum[k], over each row's non-zero span.</summary>
    public void Apply(ReadOnlySpan<double> spectrum, Span<double> mel)
    {
        if (spectrum.Length != NFreqs) throw new ArgumentException($"expected {NFreqs} bins, got {spectrum.Length}", nameof(spectrum));
        if (mel.Length != NMels) throw new ArgumentException($"expected {NMels} bands, got {mel.Length}", nameof(mel));
        for (int m = 0; m < NMels; m++)
        {
            ReadOnlySpan<float> row = _weights.AsSpan(m * NFreqs, NFreqs);
            double sum = 0;
            for (int k = _first[m]; k < _end[m]; k++) sum += row[k] * spectrum[k];
            mel[m] = sum;
        }
    }
}
