// Forward FFT of a real signal whose length is a power of two, in double precision.
// The N real samples are packed as N/2 complex values z[m] = x[2m] + i·x[2m+1], transformed by an
// iterative radix-2 complex FFT, and untangled into the N/2 + 1 one-sided bins:
//   X[k] = E[k] + e^{−2πik/N}·O[k],  E[k] = (Z[k] + Z*[N/2−k]) / 2,  O[k] = (Z[k] − Z*[N/2−k]) / 2i,
// and X[N/2−k] = conj(E[k] − e^{−2πik/N}·O[k]). Half the work of a complex FFT of size N.
// The plan (bit reversal, twiddles) is immutable, so one instance may be shared across threads.
// Reference: W. H. Press et al., "Numerical Recipes" 3rd ed., §12.3.2 (FFT of real functions).
using System.Numerics;

namespace Michi.Audio;

public sealed class RealFft
{
    readonly int _half;            // H = N/2: size of the complex FFT
    readonly int[] _bitReverse;    // (H)
    readonly double[] _cos, _sin;  // (H/2) twiddles of the size-H FFT: cos/sin(2πm/H)
    readonly double[] _cosN, _sinN; // (H/2 + 1) untangling twiddles: cos/sin(2πk/N)

    public RealFft(int size)
    {
        if (size < 2 || !BitOperations.IsPow2(size))
            throw new ArgumentException($"FFT size must be a power of two ≥ 2, got {size}", nameof(size));
        Size = size;
        _half = size / 2;
        int bits = BitOperations.Log2((uint)_half);
        _bitReverse = new int[_half];
        for (int i = 0; i < _half; i++)
            _bitReverse[i] = bits == 0 ? 0 : (int)(ReverseBits((uint)i) >> (32 - bits));
        _cos = new double[_half / 2];
        _sin = new double[_half / 2];
        for (int m = 0; m < _half / 2; m++)
        {
            _cos[m] = Math.Cos(2 * Math.PI * m / _half);
            _sin[m] = Math.Sin(2 * Math.PI * m / _half);
        }
        _cosN = new double[_half / 2 + 1];
        _sinN = new double[_half / 2 + 1];
        for (int k = 0; k <= _half / 2; k++)
        {
            _cosN[k] = Math.Cos(2 * Math.PI * k / size);
            _sinN[k] = Math.Sin(2 * Math.PI * k / size);
        }
    }

    public int Size { get; }

    /// <summary>One-sided spectrum X[k] = Σ x[n]·e^{−2πikn/N}, k = 0..N/2, into
    /// <paramref name="re"/> and <paramref name="im"/> (each at least N/2 + 1 long).</summary>
    public void Forward(ReadOnlySpan<double> input, Span<double> re, Span<double> im)
    {
        int h = _half;
        if (input.Length != Size) throw new ArgumentException($"expected {Size} samples, got {input.Length}", nameof(input));
        if (re.Length < h + 1 || im.Length < h + 1) throw new ArgumentException($"outputs need {h + 1} bins");

        for (int m = 0; m < h; m++)
        {
            int r = _bitReverse[m];
            re[r] = input[2 * m];
            im[r] = input[2 * m + 1];
        }

        // Iterative radix-2 decimation-in-time butterflies on (re, im)[0..H).
        for (int len = 2; len <= h; len <<= 1)
        {
            int halfLen = len / 2, step = h / len;
            for (int start = 0; start < h; start += len)
            {
                for (int j = 0; j < halfLen; j++)
                {
                    double wr = _cos[j * step], wi = -_sin[j * step];
                    int a = start + j, b = a + halfLen;
                    double vr = re[b] * wr - im[b] * wi;
                    double vi = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - vr;
                    im[b] = im[a] - vi;
                    re[a] += vr;
                    im[a] += vi;
                }
            }
        }

        // Untangle: bins 0 and N/2 from Z[0], then pairs (k, H−k).
        double z0r = re[0], z0i = im[0];
        re[0] = z0r + z0i;
        im[0] = 0;
        re[h] = z0r - z0i;
        im[h] = 0;
        for (int k = 1; k <= h / 2; k++)
        {
            int j = h - k;
            double ar = re[k], ai = im[k], cr = re[j], ci = im[j];
            double er = 0.5 * (ar + cr), ei = 0.5 * (ai - ci);     // E[k]
            double odr = 0.5 * (ai + ci), odi = -0.5 * (ar - cr);  // O[k]
            double wr = _cosN[k], wi = -_sinN[k];                  // e^{−2πik/N}
            double tr = wr * odr - wi * odi, ti = wr * odi + wi * odr;
            re[k] = er + tr;
            im[k] = ei + ti;
            re[j] = er - tr;
            im[j] = -(ei - ti);
        }
    }

    static uint ReverseBits(uint v)
    {
        v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
        v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
        v = ((v >> 4) & 0x0F0F0F0Fu) | ((v & 0x0F0F0F0Fu) << 4);
        v = ((v >> 8) & 0x00FF00FFu) | ((v & 0x00FF00FFu) << 8);
        return (v >> 16) | (v << 16);
    }
}
