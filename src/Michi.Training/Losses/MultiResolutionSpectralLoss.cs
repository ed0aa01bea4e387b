// Multi-resolution spectral loss: at each resolution the STFT magnitudes of prediction and
// target are computed once and feed three terms (log-mel L1, spectral convergence,
// log-magnitude L1), each averaged over the resolutions. Sharing the STFT between the mel and
// the STFT losses halves their cost, which matters on a CPU. The Hann windows and the mel
// matrices (librosa-exact Slaney filters from Michi.Audio.MelFilterbank, 0 Hz … Nyquist) are
// constants built once here and passed to the pure functions in SpectralLosses; this object
// owns them (dispose it) and is not a module, so they never enter a state dict.
// Shapes: pred, target (B, N) → scalar terms.
using Michi.Audio;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Training.Losses;

public sealed class MultiResolutionSpectralLoss : IDisposable
{
    private readonly Tensor[] _windows;
    private readonly Tensor[] _melMatrices;

    public MultiResolutionSpectralLoss(int sampleRate, IReadOnlyList<SpectralResolution>? resolutions = null, Device? device = null)
    {
        Resolutions = resolutions ?? SpectralResolution.Default;
        if (Resolutions.Count == 0) throw new ArgumentException("at least one resolution is needed", nameof(resolutions));
        foreach (var r in Resolutions)
            if (r.Validate() is { } problem) throw new ArgumentException($"spectral resolution {r}: {problem}", nameof(resolutions));
        SampleRate = sampleRate;
        device ??= torch.CPU;
        _windows = Resolutions.Select(r => torch.hann_window(r.NFft, device: device).DetachFromDisposeScope()).ToArray();
        _melMatrices = Resolutions.Select(r => MelMatrix(sampleRate, r, device)).ToArray();
    }

    public int SampleRate { get; }
    public IReadOnlyList<SpectralResolution> Resolutions { get; }

    /// <summary>The librosa mel filterbank of one resolution as a (M, n_fft/2+1) tensor.</summary>
    public static Tensor MelMatrix(int sampleRate, SpectralResolution resolution, Device? device = null)
    {
        var config = new MelConfig
        {
            SampleRate = sampleRate, NFft = resolution.NFft, HopLength = resolution.Hop, WinLength = resolution.NFft,
            NMels = resolution.NMels,
        };
        float[,] matrix = MelFilterbank.Create(config).ToMatrix();
        var flat = new float[matrix.Length];
        Buffer.BlockCopy(matrix, 0, flat, 0, flat.Length * sizeof(float));
        using var cpu = torch.tensor(flat, [matrix.GetLength(0), matrix.GetLength(1)]);
        return cpu.to(device ?? torch.CPU).DetachFromDisposeScope();
    }

    /// <summary>All three terms for pred vs target (B, N), averaged over the resolutions.</summary>
    public SpectralLossTerms Compute(Tensor pred, Tensor target)
    {
        CheckShapes(pred, target);
        using var scope = torch.NewDisposeScope();
        Tensor? mel = null, convergence = null, logMagnitude = null;
        for (int i = 0; i < Resolutions.Count; i++)
        {
            var r = Resolutions[i];
            var p = SpectralLosses.Magnitude(pred, r.NFft, r.Hop, _windows[i]);    // (B, F, T)
            var t = SpectralLosses.Magnitude(target, r.NFft, r.Hop, _windows[i]);  // (B, F, T)
            mel = Add(mel, SpectralLosses.LogMelL1(p, t, _melMatrices[i]));
            convergence = Add(convergence, SpectralLosses.SpectralConvergence(p, t));
            logMagnitude = Add(logMagnitude, SpectralLosses.LogMagnitudeL1(p, t));
        }
        double n = Resolutions.Count;
        var terms = new SpectralLossTerms((mel! / n).MoveToOuterDisposeScope(), (convergence! / n).MoveToOuterDisposeScope(),
            (logMagnitude! / n).MoveToOuterDisposeScope());
        return terms;
    }

    /// <summary>The log-mel L1 alone (validation's mel distance), averaged over the resolutions.</summary>
    public Tensor MelDistance(Tensor pred, Tensor target)
    {
        CheckShapes(pred, target);
        using var scope = torch.NewDisposeScope();
        Tensor? mel = null;
        for (int i = 0; i < Resolutions.Count; i++)
        {
            var r = Resolutions[i];
            var p = SpectralLosses.Magnitude(pred, r.NFft, r.Hop, _windows[i]);
            var t = SpectralLosses.Magnitude(target, r.NFft, r.Hop, _windows[i]);
            mel = Add(mel, SpectralLosses.LogMelL1(p, t, _melMatrices[i]));
        }
        return (mel! / Resolutions.Count).MoveToOuterDisposeScope();
    }

    private static Tensor Add(Tensor? sum, Tensor term) => sum is null ? term : sum + term;

    private static void CheckShapes(Tensor pred, Tensor target)
    {
        if (pred.dim() != 2 || !pred.shape.SequenceEqual(target.shape))
            throw new ArgumentException(
                $"pred and target must both be (B, N); got ({string.Join(", ", pred.shape)}) and ({string.Join(", ", target.shape)})");
    }

    public void Dispose()
    {
        foreach (var w in _windows) w.Dispose();
        foreach (var m in _melMatrices) m.Dispose();
    }
}
