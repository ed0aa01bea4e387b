// The speak head: the velocity network of the rectified flow that turns noise into the next
// audio latent, conditioned on the backbone state h(t) (DESIGN.md §2.4). It is MAR's
// "SimpleMLPAdaLN" (used again by Pocket TTS): the noisy latent is projected to the head width,
// the flow-time embedding is added to a projection of the condition, and that sum y modulates
// every residual block and the final layer through adaptive LayerNorm:
//   x = input_proj(x_τ);  y = time_embed(τ) + cond_embed(h);  x = block_i(x, y);  v = final(x, y).
// An MLP, not attention: one latent per frame, so the only context it needs is h.
// Initialisation as MAR: Xavier-uniform linear weights with zero biases, N(0, 0.02) for the
// time MLP, zero adaLN modulation and zero output layer (the head starts by predicting 0).
// Sampling integrates the learned field from N(0, T²·I) with Euler steps (EulerSolver); the
// integration state stays float32 whatever the compute dtype, because accumulating a few steps
// in bfloat16 would round the latent at each step.
// References: Li et al. 2024 "Autoregressive Image Generation without Vector Quantization"
// (MAR, arXiv:2406.11838) diffloss.py; Kyutai Pocket TTS; Liu et al. 2022 (arXiv:2209.03003).
//
// Shapes: N samples (frames), D latent dim, C condition (backbone hidden) dim, W head width.
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Michi.Model.Flow;

public sealed class SpeakHead : nn.Module
{
    [ComponentName(Name = "input_proj")] private readonly Linear _inputProj;
    [ComponentName(Name = "cond_embed")] private readonly Linear _condEmbed;
    [ComponentName(Name = "time_embed")] private readonly TimestepEmbedding _timeEmbed;
    [ComponentName(Name = "res_blocks")] private readonly ModuleList<AdaLnResBlock> _blocks;
    [ComponentName(Name = "final_layer")] private readonly AdaLnFinalLayer _final;

    public SpeakHead(int latentDim, int conditionDim, int width, int depth,
        ScalarType dtype = ScalarType.Float32, Device? device = null) : base(nameof(SpeakHead))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latentDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(conditionDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 0);
        device ??= torch.CPU;
        LatentDim = latentDim;
        ConditionDim = conditionDim;
        _inputProj = nn.Linear(latentDim, width, hasBias: true, device: device, dtype: dtype);
        _condEmbed = nn.Linear(conditionDim, width, hasBias: true, device: device, dtype: dtype);
        _timeEmbed = new TimestepEmbedding(width, dtype, device);
        _blocks = new ModuleList<AdaLnResBlock>(Enumerable.Range(0, depth).Select(_ => new AdaLnResBlock(width, dtype, device)).ToArray());
        _final = new AdaLnFinalLayer(width, latentDim, dtype, device);
        RegisterComponents();
        Initialize();
    }

    public int LatentDim { get; }
    public int ConditionDim { get; }

    /// <summary>The velocity at <paramref name="x"/> (N, D), flow time <paramref name="tau"/> (N),
    /// condition <paramref name="condition"/> (N, C) → (N, D), in the head's dtype.</summary>
    public Tensor Forward(Tensor x, Tensor tau, Tensor condition)
    {
        if (condition.dim() != 2 || condition.shape[1] != ConditionDim || condition.shape[0] != x.shape[0])
            throw new ArgumentException($"condition must be ({x.shape[0]}, {ConditionDim}), got ({string.Join(", ", condition.shape)})", nameof(condition));
        using var embedded = EmbedCondition(condition);
        return Velocity(x, tau, embedded);
    }

    /// <summary>cond_embed(h): (N, C) → (N, W). Constant over the flow steps of one sample, so the
    /// sampler computes it once.</summary>
    private Tensor EmbedCondition(Tensor condition) => _condEmbed.forward(condition.to(_condEmbed.weight!.dtype));

    private Tensor Velocity(Tensor x, Tensor tau, Tensor embeddedCondition)
    {
        if (x.dim() != 2 || x.shape[1] != LatentDim)
            throw new ArgumentException($"x must be (N, {LatentDim}), got ({string.Join(", ", x.shape)})", nameof(x));
        if (tau.numel() != x.shape[0])
            throw new ArgumentException($"tau must hold {x.shape[0]} times, got {tau.numel()}", nameof(tau));
        using var scope = torch.NewDisposeScope();
        var h = _inputProj.forward(x.to(_inputProj.weight!.dtype));                  // (N, W)
        var y = _timeEmbed.forward(tau) + embeddedCondition;                          // (N, W)
        foreach (var block in _blocks) h = block.Forward(h, y);
        return scope.MoveToOuter(_final.Forward(h, y));                               // (N, D)
    }

    /// <summary>Draws latents for the conditions (N, C): x0 ~ N(0, T²·I), then <paramref name="steps"/>
    /// Euler steps along the learned field. Returns (N, D) float32. No gradients.</summary>
    public Tensor Sample(Tensor condition, int steps = EulerSolver.DefaultSteps, double temperature = 1.0, Generator? rng = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        using var noGrad = torch.no_grad();
        if (condition.dim() != 2 || condition.shape[1] != ConditionDim)
            throw new ArgumentException($"condition must be (N, {ConditionDim}), got ({string.Join(", ", condition.shape)})", nameof(condition));
        long n = condition.shape[0];
        using var embedded = EmbedCondition(condition);                               // (N, W)
        using var x0 = RectifiedFlowPath.SampleSource([n, LatentDim], temperature, ScalarType.Float32, condition.device, rng);
        return EulerSolver.Integrate((x, tau) =>
        {
            using var t = torch.full([n], tau, dtype: ScalarType.Float32, device: condition.device);
            using var v = Velocity(x, t, embedded);                                   // (N, D) head dtype
            return v.to(ScalarType.Float32);
        }, x0, steps);
    }

    private void Initialize()
    {
        using var noGrad = torch.no_grad();
        foreach (var module in modules())
        {
            if (module is not Linear linear) continue;
            nn.init.xavier_uniform_(linear.weight!);
            linear.bias?.zero_();
        }
        nn.init.normal_(_timeEmbed.First.weight!, 0.0, 0.02);
        nn.init.normal_(_timeEmbed.Second.weight!, 0.0, 0.02);
        foreach (var block in _blocks) ZeroLinear(block.Modulation);
        ZeroLinear(_final.Modulation);
        ZeroLinear(_final.Output);
    }

    private static void ZeroLinear(Linear linear)
    {
        linear.weight!.zero_();
        linear.bias?.zero_();
    }
}
