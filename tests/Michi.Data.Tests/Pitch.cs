// A plain autocorrelation F0 estimate for tests: median over loud 40 ms frames of the lag with
// the highest normalised autocorrelation between 60 and 400 Hz (frames under 0.5 dropped).
namespace Michi.Data.Tests;

public static class Pitch
{
    public static double MedianF0(float[] x, int sampleRate)
    {
        int n = (int)(0.04 * sampleRate), hop = n / 2, minLag = sampleRate / 400, maxLag = sampleRate / 60;
        double peak = x.Max(v => Math.Abs(v));
        var f0 = new List<double>();
        for (int start = 0; start + n + maxLag < x.Length; start += hop)
        {
            double energy = 0;
            for (int i = 0; i < n; i++) energy += x[start + i] * x[start + i];
            if (Math.Sqrt(energy / n) < 0.1 * peak) continue;
            double best = 0;
            int bestLag = 0;
            for (int lag = minLag; lag <= maxLag; lag++)
            {
                double c = 0, e2 = 0;
                for (int i = 0; i < n; i++)
                {
                    c += x[start + i] * x[start + i + lag];
                    e2 += x[start + i + lag] * x[start + i + lag];
                }
                double r = c / Math.Sqrt(energy * e2 + 1e-12);
                if (r > best) { best = r; bestLag = lag; }
            }
            if (best > 0.5) f0.Add((double)sampleRate / bestLag);
        }
        f0.Sort();
        return f0.Count == 0 ? 0 : f0[f0.Count / 2];
    }
}
