// Band-limited polyphase resampler (Kaiser-windowed sinc), stateful for streaming.
// The ratio is reduced to Up/Down = to/from over their gcd. Output sample k sits exactly at input
// time t_k = k·Down/Up (so at k/to seconds: the filter delay is compensated, not added), and is
//   y[k] = Σ_n x[n] · h(t_k − n),   n in (t_k − W, t_k + W),   x[n] = 0 outside the signal,
// with h from KaiserSinc and cutoff Rolloff × min(from, to)/2. Only the phase t_k − ⌊t_k⌋ =
// p/Up varies, so the taps of each phase p are tabulated once (Up × Taps coefficients). When that
// table would exceed MaxTableCoefficients (awkward rate pairs such as 44101 → 24000), taps are
// instead interpolated per output from a finely sampled kernel: memory stays bounded.
// Streaming: an output is produced as soon as every input it needs has arrived (a look-ahead of
// Taps/2 samples); Flush supplies the trailing zeros and ends the signal at ceil(n·to/from)
// outputs. Each output is computed from the same inputs in the same order however the input was
// chunked, so chunked and one-shot results are identical.
using System.Numerics;

namespace Michi.Audio;

/// <summary>Converts a mono stream from one sample rate to another. One instance per channel;
/// not thread-safe.</summary>
public sealed class Resampler
{
    internal const long MaxTableCoefficients = 1 << 18;
    const int FineStepsPerZeroCrossing = 2048;

    readonly int _half;            // K: taps on each side; output k reads x[n0−K+1 .. n0+K]
    readonly float[]? _table;      // (Up, Taps) polyphase coefficients, or null when too large
    readonly float[]? _fine;       // kernel sampled every 1/2048 zero crossing, for large Up
    readonly double _twoFc;        // 2·fc: input samples → zero-crossing units
    readonly float[] _taps;        // scratch for interpolated taps

    float[] _buf;                  // input history; _buf[i] is x[_bufStart + i]
    int _bufCount;
    long _bufStart;
    long _received;                // input samples seen
    long _produced;                // outputs emitted (k of the next output)
    long _n0;                      // ⌊t_k⌋ of the next output
    long _phase;                   // Up · (t_k − ⌊t_k⌋) of the next output
    bool _flushed;

    public Resampler(int fromRate, int toRate, ResamplerQuality? quality = null)
        : this(fromRate, toRate, quality, MaxTableCoefficients) { }

    /// <summary>Test hook: <paramref name="maxTable"/> = 0 forces the interpolated-taps path.</summary>
    internal Resampler(int fromRate, int toRate, ResamplerQuality? quality, long maxTable)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fromRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(toRate);
        Quality = quality ?? ResamplerQuality.Default;
        Quality.Validate();
        FromRate = fromRate;
        ToRate = toRate;
        int g = (int)BigInteger.GreatestCommonDivisor(fromRate, toRate);
        Up = toRate / g;
        Down = fromRate / g;

        // Cutoff in cycles per input sample: below the input's Nyquist, and below the output's
        // when downsampling (anti-aliasing).
        double fc = 0.5 * Quality.Rolloff * Math.Min(1.0, (double)Up / Down);
        _twoFc = 2 * fc;
        double halfWidth = Quality.ZeroCrossings / _twoFc;
        _half = IsIdentity ? 0 : (int)Math.Ceiling(halfWidth);
        Taps = 2 * _half;
        _taps = new float[Taps];

        double i0Beta = KaiserSinc.BesselI0(Quality.KaiserBeta);
        if (IsIdentity)
        {
            // Process copies its input: no kernel needed.
        }
        else if ((long)Up * Taps <= maxTable)
        {
            _table = new float[Up * Taps];
            for (int p = 0; p < Up; p++)
                for (int j = 0; j < Taps; j++)
                {
                    double tau = (double)p / Up + _half - 1 - j;
                    _table[p * Taps + j] = (float)(_twoFc * KaiserSinc.Normalized(_twoFc * tau, Quality.ZeroCrossings, Quality.KaiserBeta, i0Beta));
                }
        }
        else
        {
            int n = Quality.ZeroCrossings * FineStepsPerZeroCrossing + 2;
            _fine = new float[n];
            for (int i = 0; i < n; i++)
                _fine[i] = (float)KaiserSinc.Normalized((double)i / FineStepsPerZeroCrossing, Quality.ZeroCrossings, Quality.KaiserBeta, i0Beta);
        }

        _buf = new float[Math.Max(1024, 2 * Taps)];
        Reset();
    }

    public int FromRate { get; }
    public int ToRate { get; }
    public ResamplerQuality Quality { get; }

    /// <summary>to / gcd(from, to).</summary>
    public int Up { get; }

    /// <summary>from / gcd(from, to).</summary>
    public int Down { get; }

    /// <summary>Input samples weighted per output sample (0 for the identity).</summary>
    public int Taps { get; }

    bool IsIdentity => Up == Down;

    /// <summary>ceil(n · to / from): the length of a resampled signal of n samples.</summary>
    public static long OutputLength(long inputLength, int fromRate, int toRate) =>
        (long)CeilDiv((Int128)inputLength * toRate, fromRate);

    /// <summary>Resamples a whole signal (Process + Flush).</summary>
    public static float[] Resample(ReadOnlySpan<float> input, int fromRate, int toRate, ResamplerQuality? quality = null)
    {
        var r = new Resampler(fromRate, toRate, quality);
        float[] head = r.Process(input);
        float[] tail = r.Flush();
        return tail.Length == 0 ? head : [.. head, .. tail];
    }

    /// <summary>Forgets all input: the next Process starts a new signal at time 0.</summary>
    public void Reset()
    {
        // K − 1 zeros before x[0] stand for the silence before the signal.
        _bufStart = -Math.Max(0, _half - 1);
        _bufCount = (int)-_bufStart;
        Array.Clear(_buf, 0, _bufCount);
        _received = _produced = _n0 = _phase = 0;
        _flushed = false;
    }

    /// <summary>Feeds input; returns every output sample that is now fully determined.</summary>
    public float[] Process(ReadOnlySpan<float> input)
    {
        if (_flushed)
            throw new InvalidOperationException("the resampler was flushed; call Reset() to start a new signal");
        if (IsIdentity)
        {
            _received += input.Length;
            return input.ToArray();
        }
        Append(input);
        _received += input.Length;
        // Output k is ready when ⌊k·Down/Up⌋ + K ≤ received − 1, i.e. k < (received − K)·Up/Down.
        long ready = _received > _half ? (long)CeilDiv((Int128)(_received - _half) * Up, Down) : 0;
        return Produce(ready);
    }

    /// <summary>Ends the signal: returns the remaining outputs, up to ceil(n·to/from) in total.</summary>
    public float[] Flush()
    {
        if (_flushed || IsIdentity)
        {
            _flushed = true;
            return [];
        }
        _flushed = true;
        // Zeros after the end stand for the silence after the signal (K are enough: see Process).
        Span<float> zeros = stackalloc float[Math.Min(_half, 256)];
        for (int left = _half; left > 0; left -= zeros.Length) Append(zeros[..Math.Min(left, zeros.Length)]);
        return Produce(OutputLength(_received, FromRate, ToRate));
    }

    float[] Produce(long until)
    {
        long count = Math.Max(0, until - _produced);
        var output = new float[count];
        for (long i = 0; i < count; i++)
        {
            int start = (int)(_n0 - _half + 1 - _bufStart);
            ReadOnlySpan<float> window = _buf.AsSpan(start, Taps);
            output[i] = Dot(window, TapsFor((int)_phase));
            _phase += Down;
            _n0 += _phase / Up;
            _phase %= Up;
        }
        _produced += count;
        Discard(_n0 - _half + 1);
        return output;
    }

    ReadOnlySpan<float> TapsFor(int phase)
    {
        if (_table is not null) return _table.AsSpan(phase * Taps, Taps);
        // Linear interpolation of the finely sampled kernel (error ~1e-8 at 2048 steps).
        double frac = (double)phase / Up;
        for (int j = 0; j < Taps; j++)
        {
            double u = Math.Abs(_twoFc * (frac + _half - 1 - j)) * FineStepsPerZeroCrossing;
            int i = (int)u;
            if (i >= _fine!.Length - 1) { _taps[j] = 0; continue; }
            double w = u - i;
            _taps[j] = (float)(_twoFc * (_fine[i] + w * (_fine[i + 1] - _fine[i])));
        }
        return _taps;
    }

    void Append(ReadOnlySpan<float> input)
    {
        if (_bufCount + input.Length > _buf.Length)
            Array.Resize(ref _buf, Math.Max(_bufCount + input.Length, 2 * _buf.Length));
        input.CopyTo(_buf.AsSpan(_bufCount));
        _bufCount += input.Length;
    }

    /// <summary>Drops history before absolute input index <paramref name="keepFrom"/>.</summary>
    void Discard(long keepFrom)
    {
        int drop = (int)Math.Clamp(keepFrom - _bufStart, 0, _bufCount);
        if (drop == 0) return;
        _buf.AsSpan(drop, _bufCount - drop).CopyTo(_buf);
        _bufCount -= drop;
        _bufStart += drop;
    }

    static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var acc = Vector<float>.Zero;
        int i = 0;
        for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
            acc += new Vector<float>(a[i..]) * new Vector<float>(b[i..]);
        float sum = Vector.Sum(acc);
        for (; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    static Int128 CeilDiv(Int128 a, long b) => a <= 0 ? 0 : (a + b - 1) / b;
}
