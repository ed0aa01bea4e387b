// SpeakHeadSampler's math in plain C# over the matrix-vector kernels, for CPU weights in float32
// or bfloat16: the products are multi-threaded on the ComputePool and read bfloat16 weights at
// half the bytes, and a frame makes no LibTorch calls (≈ 15 per block per step otherwise; and
// LibTorch's bfloat16 (K, W) × (W, 3W) product ran at ≈ 7 GB/s on one thread and 4× slower on
// two). Activations are float32 throughout. Math as Flow/SpeakHead, AdaLnResBlock, AdaLnFinalLayer:
//   y_k = time_embed(k/K) + cond·c + b;  modulations_k = mod·silu(y_k) + b   (all K in one pass: MatVecBatch)
//   per step: h = in·x + b;  per block: u = LN(h)·(1 + scale) + shift;  h += gate ⊙ fc2(silu(fc1(u)));
//   v = out·(LN₀(h)·(1 + scale) + shift) + b;  x += Δτ·v        (LN eps 1e-6; LN₀ has no affine)
//
// Shapes: K steps, C condition, W width, D latent dim.
using Michi.Model.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Runtime.Speech;

internal sealed class SpeakHeadSteps
{
    private const float LayerNormEps = 1e-6f;

    private sealed record Block(WeightMatrix Fc1, float[] Fc1Bias, WeightMatrix Fc2, float[] Fc2Bias, float[] NormWeight, float[] NormBias,
                                WeightMatrix Mod, float[] ModBias);

    private readonly WeightMatrix _in, _out, _cond, _finalMod;
    private readonly float[] _inBias, _outBias, _condBias, _finalModBias;
    private float[][] _modulations = [];    // per block (K, 3W), K of the last call
    private float[] _finalModulation = [], _activated = [];   // (K, 2W), (K, W)
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
        _cond = WeightMatrix.Of(p["cond_embed.weight"]);
        _condBias = Floats(p["cond_embed.bias"]);
        _finalMod = WeightMatrix.Of(p["final_layer.adaLN_modulation.1.weight"]);
        _finalModBias = Floats(p["final_layer.adaLN_modulation.1.bias"]);
        _blocks = Enumerable.Range(0, depth).Select(i =>
        {
            string b = $"res_blocks.{i}.";
            return new Block(WeightMatrix.Of(p[b + "mlp.0.weight"]), Floats(p[b + "mlp.0.bias"]), WeightMatrix.Of(p[b + "mlp.2.weight"]),
                Floats(p[b + "mlp.2.bias"]), Floats(p[b + "in_ln.weight"]), Floats(p[b + "in_ln.bias"]),
                WeightMatrix.Of(p[b + "adaLN_modulation.1.weight"]), Floats(p[b + "adaLN_modulation.1.bias"]));
        }).ToArray();
        _keepAlive = [.. p.Values];
        _width = _in.Rows;
        _latent = _in.Columns;
        (_h, _u, _t1, _t2, _v) = (new float[_width], new float[_width], new float[_width], new float[_width], new float[_latent]);
    }

    /// <summary>The whole frame: modulations of every step from the condition (C) and
    /// <paramref name="timeTable"/> = time_embed(k/K) (K, W), then <see cref="Integrate"/> on x (D).</summary>
    public void Sample(ReadOnlySpan<float> condition, float[] timeTable, float[] x, int steps)
    {
        int w = _width;
        if (condition.Length != _cond.Columns) throw new ArgumentException($"condition must have {_cond.Columns} elements", nameof(condition));
        if (timeTable.Length != steps * w) throw new ArgumentException($"time table must be ({steps}, {w})", nameof(timeTable));
        lock (_gate)
        {
            if (_activated.Length != steps * w)
            {
                _activated = new float[steps * w];
                _modulations = _blocks.Select(_ => new float[steps * 3 * w]).ToArray();
                _finalModulation = new float[steps * 2 * w];
            }
            MatVec.Multiply(_cond, condition, _t1, _pool);                              // cond·c (W)
            for (int k = 0; k < steps; k++)
                for (int j = 0; j < w; j++)
                {
                    float a = timeTable[k * w + j] + (_t1[j] + _condBias[j]);
                    _activated[k * w + j] = a / (1f + MathF.Exp(-a));                      // silu(y_k)
                }
            for (int i = 0; i < _blocks.Length; i++) Modulations(_blocks[i].Mod, _blocks[i].ModBias, steps, _modulations[i]);
            Modulations(_finalMod, _finalModBias, steps, _finalModulation);
            Integrate(x, steps, _modulations, _finalModulation);
        }
    }

    // (K, n) = silu(y)·Wᵀ + b for all K steps in one pass over W.
    private void Modulations(in WeightMatrix weight, float[] bias, int steps, float[] result)
    {
        MatVecBatch.Multiply(weight, _activated, steps, result, _pool);
        int n = bias.Length;
        for (int k = 0; k < steps; k++) Add(result.AsSpan(k * n, n), bias);
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
