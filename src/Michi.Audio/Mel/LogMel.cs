// Log-mel spectrogram: frame (centred, reflect-padded by default) → periodic Hann window →
// real FFT → |X|^Power → mel filterbank → ln(max(mel, LogFloor)).
// Matches librosa.feature.melspectrogram(center=True, pad_mode="reflect", window="hann",
// power=Power) followed by log(clip(·, floor)) — the HiFi-GAN / Vocos feature. Pure: the only
// state is the filterbank and FFT plan, built per call or passed in.
// Frame t covers samples [t·hop − NFft/2, t·hop + NFft/2) when centred, so it is centred on
// sample t·hop; frames = 1 + n / hop. Reflection follows numpy.pad(mode="reflect") (the edge
// sample is not repeated; signals shorter than the pad are reflected back and forth).
// References: librosa 0.10 librosa/core/spectrum.py `stft`, librosa/feature/spectral.py.
namespace Michi.Audio;

public static class LogMel
{
    /// <summary>(frames, NMels) natural-log mel energies, building the filterbank for <paramref name="config"/>.</summary>
    public static float[,] Compute(ReadOnlySpan<float> samples, MelConfig config) =>
        Compute(samples, MelFilterbank.Create(config));

    /// <summary>(frames, NMels) natural-log mel energies with a prebuilt filterbank.</summary>
    public static float[,] Compute(ReadOnlySpan<float> samples, MelFilterbank filterbank)
    {
        ArgumentNullException.ThrowIfNull(filterbank);
        MelConfig cfg = filterbank.Config;
        int nFft = cfg.NFft, nMels = cfg.NMels, frames = cfg.FrameCount(samples.Length);
        var output = new float[frames, nMels];

        var fft = new RealFft(nFft);
        double[] window = HannWindow(cfg.WinLength, nFft);
        var frame = new double[nFft];
        var re = new double[nFft / 2 + 1];
        var im = new double[nFft / 2 + 1];
        var spectrum = new double[nFft / 2 + 1];
        var mel = new double[nMels];
        int pad = cfg.Center ? nFft / 2 : 0;

        for (int t = 0; t < frames; t++)
        {
            long start = (long)t * cfg.HopLength - pad;
            for (int i = 0; i < nFft; i++)
                frame[i] = window[i] == 0 ? 0 : window[i] * samples[Reflect(start + i, samples.Length)];
            fft.Forward(frame, re, im);
            for (int k = 0; k < spectrum.Length; k++)
            {
                double power = re[k] * re[k] + im[k] * im[k];
                spectrum[k] = cfg.Power == 2 ? power : cfg.Power == 1 ? Math.Sqrt(power) : Math.Pow(power, cfg.Power / 2);
            }
            filterbank.Apply(spectrum, mel);
            for (int m = 0; m < nMels; m++) output[t, m] = (float)Math.Log(Math.Max(mel[m], cfg.LogFloor));
        }
        return output;
    }

    /// <summary>Periodic Hann window of <paramref name="length"/> (scipy/torch "fftbins" form,
    /// 0.5 − 0.5·cos(2πi/length)), zero-padded on both sides to <paramref name="size"/> like
    /// librosa.util.pad_center.</summary>
    public static double[] HannWindow(int length, int size)
    {
        var w = new double[size];
        int offset = (size - length) / 2;
        for (int i = 0; i < length; i++) w[offset + i] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / length);
        return w;
    }

    /// <summary>numpy "reflect" index: …, x[2], x[1], | x[0], …, x[n−1] |, x[n−2], … (period 2(n−1)).</summary>
    internal static int Reflect(long i, int n)
    {
        if (i >= 0 && i < n) return (int)i;
        if (n == 1) return 0;
        long period = 2L * (n - 1);
        long r = ((i % period) + period) % period;
        return (int)(r < n ? r : period - r);
    }
}
