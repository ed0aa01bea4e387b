// AdamW (Loshchilov & Hutter 2019, arXiv:1711.05101) written out, with exactly the update of
// torch.optim.AdamW (decoupled decay p ← p·(1 − lr·λ), bias-corrected moments, ε added after
// the square root). Why not TorchSharp's torch.optim.AdamW: its state is reachable only
// through its own binary save format or opaque state objects, while a checkpoint here is
// safetensors with names; owning the ~15 lines of arithmetic makes the moments plain named
// tensors (`{prefix}exp_avg.{param}`, `{prefix}exp_avg_sq.{param}`) that round-trip exactly,
// and lets the learning rate be passed per step (the schedule is a pure function of the step).
// A test checks the updates against torch.optim.AdamW.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Michi.Training;

public sealed record AdamWOptions(double Beta1 = 0.8, double Beta2 = 0.99, double Epsilon = 1e-8, double WeightDecay = 0.01);

public sealed class AdamWOptimizer : IDisposable
{
    private readonly (string Name, Parameter Parameter)[] _parameters;
    private readonly Dictionary<string, (Tensor ExpAvg, Tensor ExpAvgSq)> _moments = new(StringComparer.Ordinal);

    public AdamWOptimizer(IEnumerable<(string Name, Parameter Parameter)> parameters, AdamWOptions options)
    {
        _parameters = parameters.Where(p => p.Parameter.requires_grad).ToArray();
        Options = options;
    }

    public AdamWOptions Options { get; }

    /// <summary>Updates taken so far (the t of the bias corrections).</summary>
    public long Steps { get; private set; }

    public IEnumerable<Parameter> Parameters => _parameters.Select(p => p.Parameter);

    public void ZeroGrad()
    {
        foreach (var (_, p) in _parameters) p.grad?.zero_();
    }

    /// <summary>One update with learning rate <paramref name="lr"/>; parameters without a gradient are skipped.</summary>
    public void Step(double lr)
    {
        Steps++;
        double correction1 = 1 - Math.Pow(Options.Beta1, Steps);
        double correction2 = 1 - Math.Pow(Options.Beta2, Steps);
        using var _ = torch.no_grad();
        // The Scalars live for the whole loop: built once instead of six per parameter, and never a
        // temporary that the GC may finalise while LibTorch reads it (TorchSharp 0.107 hazard).
        using Scalar decay = 1 - lr * Options.WeightDecay, beta2 = Options.Beta2, oneMinusBeta2 = 1 - Options.Beta2,
            rootCorrection2 = Math.Sqrt(correction2), epsilon = Options.Epsilon, stepSize = -lr / correction1;
        using Tensor oneMinusBeta1 = 1 - Options.Beta1;   // lerp_ takes its weight as a (0-dim) tensor
        foreach (var (name, p) in _parameters)
        {
            var grad = p.grad;
            if (grad is null) continue;
            var (m, v) = Moments(name, p);
            p.mul_(decay);
            m.lerp_(grad, oneMinusBeta1);
            v.mul_(beta2).addcmul_(grad, grad, oneMinusBeta2);
            using var root = v.sqrt();
            using var denominator = root.div_(rootCorrection2).add_(epsilon);
            p.addcdiv_(m, denominator, stepSize);
        }
    }

    private (Tensor, Tensor) Moments(string name, Parameter p)
    {
        if (_moments.TryGetValue(name, out var moments)) return moments;
        moments = (torch.zeros_like(p).DetachFromDisposeScope(), torch.zeros_like(p).DetachFromDisposeScope());
        _moments[name] = moments;
        return moments;
    }

    /// <summary>The moments as named tensors (views owned by this optimizer: do not dispose).</summary>
    public Dictionary<string, Tensor> StateTensors(string prefix)
    {
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, (m, v)) in _moments)
        {
            state[$"{prefix}exp_avg.{name}"] = m;
            state[$"{prefix}exp_avg_sq.{name}"] = v;
        }
        return state;
    }

    /// <summary>Restores moments saved by StateTensors and the step count; every moment must
    /// belong to a parameter of the same shape (<paramref name="source"/> names the file for errors).</summary>
    public void LoadState(Func<string, bool> contains, Func<string, Tensor> read, IEnumerable<string> names, string prefix, long steps,
        string source)
    {
        var known = _parameters.ToDictionary(p => p.Name, p => p.Parameter, StringComparer.Ordinal);
        foreach (string key in names)
        {
            if (!key.StartsWith(prefix + "exp_avg.", StringComparison.Ordinal)) continue;
            string name = key[(prefix.Length + "exp_avg.".Length)..];
            if (!known.TryGetValue(name, out var p))
                throw InvalidInputException.ForFile(source, $"optimizer state for unknown parameter '{name}'");
            string squareKey = $"{prefix}exp_avg_sq.{name}";
            if (!contains(squareKey)) throw InvalidInputException.ForFile(source, $"'{squareKey}' is missing");
            using var m = read(key);
            using var v = read(squareKey);
            if (!m.shape.SequenceEqual(p.shape) || !v.shape.SequenceEqual(p.shape))
                throw InvalidInputException.ForFile(source, $"optimizer state for '{name}' has the wrong shape");
            var (mt, vt) = Moments(name, p);
            using (torch.no_grad())
            {
                mt.copy_(m);
                vt.copy_(v);
            }
        }
        Steps = steps;
    }

    public void Dispose()
    {
        foreach (var (m, v) in _moments.Values)
        {
            m.Dispose();
            v.Dispose();
        }
        _moments.Clear();
    }
}
