// SpeakHead.Sample for one frame, reorganised for inference: the same math, fewer passes over
// the weights. In MAR's adaLN MLP every block's modulation (shift, scale, gate) is a function of
// y = time_embed(τ) + cond_embed(h) only, never of the flow state x, and the Euler steps' times
// τ_k = k/K are known before the first step. So the modulations of all K steps are computed in
// one (K, W) × (W, 3W) product per block, which reads the block's largest matrix once per frame
// instead of K times; time_embed(τ_k) does not depend on h at all and is cached per K. Only the
// residual MLPs, input projection and output layer run once per step. For the paper head
// (W 1536, 8 blocks, K 4) that halves the bytes read per frame.
// Parameters are read from the SpeakHead by their state-dict names (MAR's: input_proj,
// cond_embed, time_embed, res_blocks.i.{in_ln, mlp.0, mlp.2, adaLN_modulation.1},
// final_layer.{linear, adaLN_modulation.1}); noise is drawn exactly as SpeakHead.Sample draws
// it, so a seeded generator gives the same latent (to float rounding; tested). On the CPU the
// per-step part runs on the matrix-vector kernels (SpeakHeadSteps), elsewhere in LibTorch.
// References: Li et al. 2024 "MAR" (arXiv:2406.11838) diffloss.py SimpleMLPAdaLN; Flow/SpeakHead.
//
// Shapes: K Euler steps, C condition (backbone hidden), W head width, D latent dim.
using System.Collections.Concurrent;
using Michi.Model.Flow;
using Michi.Model.Kernels;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Michi.Runtime.Speech;

public sealed class SpeakHeadSampler
{
    private const double LayerNormEps = 1e-6;   // AdaLnResBlock / AdaLnFinalLayer

    private sealed record Block(Tensor NormWeight, Tensor NormBias, Tensor Fc1Weight, Tensor Fc1Bias, Tensor Fc2Weight, Tensor Fc2Bias,
                                Tensor ModWeight, Tensor ModBias);

    private readonly Tensor _inWeight, _inBias, _condWeight, _condBias, _finalModWeight, _finalModBias, _outWeight, _outBias;
    private readonly Block[] _blocks;
    private readonly nn.Module<Tensor, Tensor> _timeEmbed;
    private readonly ConcurrentDictionary<int, Tensor> _timeTables = new();   // K → (K, W) time_embed(k/K)
    private readonly ConcurrentDictionary<int, float[]> _timeArrays = new();  // the same as float32, for the kernels

    // Numbers in tensor ops become TorchSharp Scalars that only a finalizer frees, and a garbage
    // collection during the native call may free one in flight (TorchSharp 0.107 keeps no
    // reference): the ones used here are held for the sampler's lifetime instead.
    private readonly Scalar _one = 1.0.ToScalar();

    private readonly SpeakHeadSteps? _steps;

    /// <param name="kernels">Run the per-step part through the matrix-vector kernels (SpeakHeadSteps)
    /// when the weights are CPU float32/bfloat16, on <paramref name="pool"/>.</param>
    public SpeakHeadSampler(SpeakHead head, ComputePool? pool = null, bool kernels = true)
    {
        ArgumentNullException.ThrowIfNull(head);
        var p = head.named_parameters().ToDictionary(x => x.name, x => (Tensor)x.parameter);
        Tensor Get(string name) => p.TryGetValue(name, out var t) ? t : throw new ArgumentException($"the speak head has no parameter {name}", nameof(head));
        (_inWeight, _inBias) = (Get("input_proj.weight"), Get("input_proj.bias"));
        (_condWeight, _condBias) = (Get("cond_embed.weight"), Get("cond_embed.bias"));
        (_finalModWeight, _finalModBias) = (Get("final_layer.adaLN_modulation.1.weight"), Get("final_layer.adaLN_modulation.1.bias"));
        (_outWeight, _outBias) = (Get("final_layer.linear.weight"), Get("final_layer.linear.bias"));
        int depth = p.Keys.Count(k => k.StartsWith("res_blocks.", StringComparison.Ordinal) && k.EndsWith(".in_ln.weight", StringComparison.Ordinal));
        _blocks = Enumerable.Range(0, depth).Select(i =>
        {
            string b = $"res_blocks.{i}.";
            return new Block(Get(b + "in_ln.weight"), Get(b + "in_ln.bias"), Get(b + "mlp.0.weight"), Get(b + "mlp.0.bias"),
                Get(b + "mlp.2.weight"), Get(b + "mlp.2.bias"), Get(b + "adaLN_modulation.1.weight"), Get(b + "adaLN_modulation.1.bias"));
        }).ToArray();
        _timeEmbed = head.named_modules().Where(m => m.name == "time_embed").Select(m => m.module).OfType<nn.Module<Tensor, Tensor>>().SingleOrDefault()
            ?? throw new ArgumentException("the speak head has no time_embed module", nameof(head));
        Width = _inWeight.shape[0];
        LatentDim = head.LatentDim;
        if (kernels) _steps = SpeakHeadSteps.TryCreate(p, depth, pool);
    }

    /// <summary>True when the per-step part runs on the matrix-vector kernels.</summary>
    public bool UsesKernels => _steps is not null;

    public long Width { get; }
    public int LatentDim { get; }

    /// <summary>As SpeakHead.Sample for conditions (1, C): x0 ~ N(0, T²·I) from <paramref name="rng"/>,
    /// then <paramref name="steps"/> Euler steps. Returns (1, D) float32.</summary>
    public Tensor Sample(Tensor condition, int steps, double temperature, Generator? rng = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        if (condition.dim() != 2 || condition.shape[0] != 1 || condition.shape[1] != _condWeight.shape[1])
            throw new ArgumentException($"condition must be (1, {_condWeight.shape[1]}), got ({string.Join(", ", condition.shape)})", nameof(condition));
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        if (_steps is not null)
        {
            var latent = new float[LatentDim];
            Sample(FloatArray(condition), steps, temperature, rng, latent);
            return scope.MoveToOuter(torch.tensor(latent, [1, LatentDim]).to(condition.device));
        }
        var dtype = _inWeight.dtype;
        long w = Width;
        var x = RectifiedFlowPath.SampleSource([1, LatentDim], temperature, ScalarType.Float32, condition.device, rng);   // (1, D)

        var y = TimeTable(steps) + F.linear(condition.to(dtype), _condWeight, _condBias);   // (K, W)
        var activated = F.silu(y);                                                           // (K, W)
        var modulations = _blocks.Select(b => F.linear(activated, b.ModWeight, b.ModBias)).ToArray();   // each (K, 3W)
        var finalModulation = F.linear(activated, _finalModWeight, _finalModBias);           // (K, 2W)

        double dt = 1.0 / steps;
        using var alpha = dt.ToScalar();
        for (int k = 0; k < steps; k++)
        {
            using var stepScope = torch.NewDisposeScope();
            var h = F.linear(x.to(dtype), _inWeight, _inBias);                              // (1, W)
            for (int i = 0; i < _blocks.Length; i++)
            {
                var b = _blocks[i];
                var m = modulations[i].narrow(0, k, 1);                                      // (1, 3W)
                var normed = F.layer_norm(h, [w], b.NormWeight, b.NormBias, LayerNormEps);
                var modulated = Modulate(normed, m.narrow(1, 0, w), m.narrow(1, w, w));
                var mlp = F.linear(F.silu(F.linear(modulated, b.Fc1Weight, b.Fc1Bias)), b.Fc2Weight, b.Fc2Bias);   // (1, W)
                h = h + m.narrow(1, 2 * w, w) * mlp;
            }
            var f = finalModulation.narrow(0, k, 1);                                         // (1, 2W)
            var final = Modulate(F.layer_norm(h, [w], eps: LayerNormEps), f.narrow(1, 0, w), f.narrow(1, w, w));
            var v = F.linear(final, _outWeight, _outBias).to(ScalarType.Float32);            // (1, D)
            var next = x.add(v, alpha);                                                      // x ← x + Δτ·v
            x = stepScope.MoveToOuter(next);
        }
        return scope.MoveToOuter(x);
    }

    /// <summary>The kernel path (UsesKernels) without tensors in or out: condition (C) float32 →
    /// latent (D); the noise is drawn as by the tensor overload, so both give the same latent.</summary>
    public void Sample(ReadOnlySpan<float> condition, int steps, double temperature, Generator? rng, Span<float> latent)
    {
        if (_steps is null) throw new InvalidOperationException("this sampler does not run on the kernels");
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        if (condition.Length != _condWeight.shape[1]) throw new ArgumentException($"condition must have {_condWeight.shape[1]} elements", nameof(condition));
        if (latent.Length != LatentDim) throw new ArgumentException($"latent must have {LatentDim} elements", nameof(latent));
        float[] noise;
        using (torch.no_grad())
        using (var x = RectifiedFlowPath.SampleSource([1, LatentDim], temperature, ScalarType.Float32, _inWeight.device, rng))   // (1, D)
            noise = x.data<float>().ToArray();
        _steps.Sample(condition, TimeArray(steps), noise, steps);
        noise.CopyTo(latent);
    }

    private static float[] FloatArray(Tensor t) => t.to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();

    /// <summary>x·(1 + scale) + shift, in AdaLnResBlock.Modulate's order of operations.</summary>
    private Tensor Modulate(Tensor x, Tensor shift, Tensor scale) => x * (scale + _one) + shift;

    // TimeTable(K) as float32 (K, W) for the kernels.
    private float[] TimeArray(int steps) => _timeArrays.GetOrAdd(steps, k =>
    {
        using var noGrad = torch.no_grad();
        return FloatArray(TimeTable(k));
    });

    // time_embed(k / K) for k = 0 … K − 1, as the Euler solver's times (t0 = 0, t1 = 1).
    private Tensor TimeTable(int steps) => _timeTables.GetOrAdd(steps, k =>
    {
        using var noGrad = torch.no_grad();
        using var tau = torch.tensor(Enumerable.Range(0, k).Select(i => (float)(0.0 + i * (1.0 / k))).ToArray(), device: _inWeight.device);
        return _timeEmbed.call(tau).DetachFromDisposeScope();                                // (K, W)
    });
}
