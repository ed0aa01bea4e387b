// The resampler's continuous low-pass kernel: a sinc windowed by a Kaiser window,
//   h(τ) = 2·fc · sinc(2·fc·τ) · I0(β·√(1 − (τ/W)²)) / I0(β),   |τ| < W = ZeroCrossings / (2·fc),
// with τ in input samples and fc the cutoff in cycles per input sample. Summed over integer
// offsets it has unit DC gain, for any fractional position.
// Reference: J. O. Smith, "Digital Audio Resampling Home Page", section "Implementation".
namespace Michi.Audio;

internal static class KaiserSinc
{
    /// <summary>Modified Bessel function of the first kind, order 0, by its power series
    /// Σ ((x/2)^k / k!)², which converges fast for the β ≤ 50 used here.</summary>
    public static double BesselI0(double x)
    {
        double sum = 1, term = 1, half = x / 2;
        for (int k = 1; k < 500; k++)
        {
            term *= half / k;
            double t2 = term * term;
            sum += t2;
            if (t2 < sum * 1e-17) break;
        }
        return sum;
    }

    /// <summary>sinc(u) · Kaiser(u / zeroCrossings) for u in zero-crossing units (h = 2fc·this(2fc·τ)).</summary>
    public static double Normalized(double u, int zeroCrossings, double beta, double i0Beta)
    {
        u = Math.Abs(u);
        if (u >= zeroCrossings) return 0;
        double r = u / zeroCrossings;
        double window = BesselI0(beta * Math.Sqrt(1 - r * r)) / i0Beta;
        double sinc = u < 1e-12 ? 1 : Math.Sin(Math.PI * u) / (Math.PI * u);
        return sinc * window;
    }
}
