// The sequential part of SpeakHeadSampler (what runs once per Euler step: input projection,
// every block's LayerNorm → modulate → MLP → gated residual, the final layer, the Euler update)
// in plain C# over the matrix-vector kernels, for CPU weights in float32 or bfloat16: the
// products are multi-threaded on the ComputePool and read bfloat16 weights at half the bytes,
// and a step makes no LibTorch calls (≈ 15 per block otherwise). The modulations come in
// precomputed (SpeakHeadSampler computes them for all steps in one LibTorch product).
// Activations are float32 throughout. Math as Flow/AdaLnResBlock and Flow/AdaLnFinalLayer:
//   h = in·x + b;  per block: u = LN(h)·(1 + scale) + shift;  h += gate ⊙ fc2(silu(fc1(u)));
//   v = out·(LN₀(h)·(1 + scale) + shift) + b;  x += Δτ·v        (LN eps 1e-6; LN₀ has no affine)
//
// Shapes: K steps, W width, D latent dim.
using Michi.Model.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Runtime.Speech;

internal sealed class SpeakHeadSteps
{
    private const float LayerNormEps = 1e-6f;

    private sealed record Block(WeightMatrix Fc1, float[] Fc1Bias, WeightMatrix Fc2, float[] Fc2Bias, float[] NormWeight, float[] NormBias);

    private readonly WeightMatrix _in, _out;
    private readonly float[] _inBias, _outBias;
    private readonly Block[] _blocks;
    private readonly Tensor[] _keepAlive;
    private readonly ComputePool? _pool;
    private readonly int _width, _latent;
    private readonly Lock _gate = new();
    private readonly float[] _h, _u, _t1, _t2, _v;

    /// <summary>Null when the weights are not CPU float32/bfloat16.</summary>
    public static SpeakHeadSteps? TryCreate(IReadOnlyDictionary<string, Tensor> p, int depth, ComputePool? pool)
    {
        var weight = p["input_proj.weight"];
        if (weight.device.type != DeviceType.CPU || weight.dtype is not (ScalarType.Float32 or ScalarType.BFloat16)) return null;
        return new SpeakHeadSteps(p, depth, pool);
    }

    private SpeakHeadSteps(IReadOnlyDictionary<string, Tensor> p, int depth, ComputePool? pool)
    {
        _pool = pool;
        _in = WeightMatrix.Of(p["input_proj.weight"]);
        _out = WeightMatrix.Of(p["final_layer.linear.weight"]);
        (_inBias, _outBias) = (Floats(p["input_proj.bias"]), Floats(p["final_layer.linear.bias"]));
        _blocks = Enumerable.Range(0, depth).Select(i =>
        {
            string b = $"res_blocks.{i}.";
            return new Block(WeightMatrix.Of(p[b + "mlp.0.weight"]), Floats(p[b + "mlp.0.bias"]), WeightMatrix.Of(p[b + "mlp.2.weight"]),
                Floats(p[b + "mlp.2.bias"]), Floats(p[b + "in_ln.weight"]), Floats(p[b + "in_ln.bias"]));
        }).ToArray();
        _keepAlive = [.. p.Values];
        _width = _in.Rows;
        _latent = _in.Columns;
        (_h, _u, _t1, _t2, _v) = (new float[_width], new float[_width], new float[_width], new float[_width], new float[_latent]);
    }

    /// <summary>Integrates x (D) in place over <paramref name="steps"/> Euler steps. blockModulations[i]
    /// is (K, 3W) row-major (shift, scale, gate), finalModulation (K, 2W) (shift, scale).</summary>
    public void Integrate(float[] x, int steps, float[][] blockModulations, float[] finalModulation)
    {
        int w = _width;
        float dt = (float)(1.0 / steps);
        lock (_gate)
        {
            for (int k = 0; k < steps; k++)
            {
                MatVec.Multiply(_in, x, _h, _pool);
                Add(_h, _inBias);
                for (int i = 0; i < _blocks.Length; i++)
                {
                    var b = _blocks[i];
                    var m = blockModulations[i].AsSpan(k * 3 * w, 3 * w);
                    LayerNorm(_h, b.NormWeight, b.NormBias, _u);
                    Modulate(_u, m[..w], m.Slice(w, w));
                    MatVec.Multiply(b.Fc1, _u, _t1, _pool);
                    for (int j = 0; j < w; j++)
                    {
                        float a = _t1[j] + b.Fc1Bias[j];
                        _t1[j] = a / (1f + MathF.Exp(-a));                                 // silu
                    }
                    MatVec.Multiply(b.Fc2, _t1, _t2, _pool);
                    var gate = m.Slice(2 * w, w);
                    for (int j = 0; j < w; j++) _h[j] += gate[j] * (_t2[j] + b.Fc2Bias[j]);
                }
                var f = finalModulation.AsSpan(k * 2 * w, 2 * w);
                LayerNorm(_h, null, null, _u);
                Modulate(_u, f[..w], f.Slice(w, w));
                MatVec.Multiply(_out, _u, _v, _pool);
                for (int d = 0; d < _latent; d++) x[d] += dt * (_v[d] + _outBias[d]);
            }
        }
    }

    private static void LayerNorm(ReadOnlySpan<float> x, float[]? weight, float[]? bias, Span<float> y)
    {
        double sum = 0, square = 0;
        foreach (float v in x) sum += v;
        double mean = sum / x.Length;
        foreach (float v in x) square += (v - mean) * (v - mean);
        float inverse = (float)(1.0 / Math.Sqrt(square / x.Length + LayerNormEps));
        for (int i = 0; i < x.Length; i++)
        {
            float n = (float)(x[i] - mean) * inverse;
            y[i] = weight is null ? n : n * weight[i] + bias![i];
        }
    }

    // u ← u·(1 + scale) + shift
    private static void Modulate(Span<float> u, ReadOnlySpan<float> shift, ReadOnlySpan<float> scale)
    {
        for (int i = 0; i < u.Length; i++) u[i] = u[i] * (1f + scale[i]) + shift[i];
    }

    private static void Add(Span<float> x, ReadOnlySpan<float> b)
    {
        for (int i = 0; i < x.Length; i++) x[i] += b[i];
    }

    private static float[] Floats(Tensor t)
    {
        using var f = t.detach().to(ScalarType.Float32).cpu().contiguous();
        return f.data<float>().ToArray();
    }
}
