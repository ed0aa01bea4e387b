// Embedding of the flow time τ ∈ [0, 1] for the speak head: sinusoidal features (DDPM /
// Transformer style: cos and sin of τ·s at geometric frequencies from 1 to 1/10000) followed
// by a two-layer SiLU MLP, as in DiT/MAR's TimestepEmbedder. τ is multiplied by 1000 first so
// that flow times span the range the frequencies were designed for (diffusion step indices
// 0..1000); without it the 128 frequencies would barely change over [0, 1].
// State-dict names follow MAR: mlp.0 and mlp.2.
// References: Peebles & Xie 2023 "DiT" (arXiv:2212.09748) TimestepEmbedder; Li et al. 2024
// "MAR" (arXiv:2406.11838) diffloss.py.
//
// Shapes: τ (N) → (N, W).
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Michi.Model.Flow;

public sealed class TimestepEmbedding : nn.Module<Tensor, Tensor>
{
    public const int FrequencyDim = 256;
    public const double TimeScale = 1000.0;
    private const double MaxPeriod = 10000.0;

    [ComponentName(Name = "mlp")] private readonly Sequential _mlp;
    private readonly Linear _in, _out;

    public TimestepEmbedding(long width, ScalarType dtype, Device device) : base(nameof(TimestepEmbedding))
    {
        _in = nn.Linear(FrequencyDim, width, hasBias: true, device: device, dtype: dtype);
        _out = nn.Linear(width, width, hasBias: true, device: device, dtype: dtype);
        _mlp = nn.Sequential(("0", _in), ("1", nn.SiLU()), ("2", _out));
        RegisterComponents();
    }

    internal Linear First => _in;
    internal Linear Second => _out;

    public override Tensor forward(Tensor tau)
    {
        using var features = Sinusoidal(tau, FrequencyDim);                          // (N, F) float32
        using var cast = features.to(_in.weight!.dtype);
        return _mlp.forward(cast);                                                    // (N, W)
    }

    /// <summary>[cos(1000·τ·f_k), sin(1000·τ·f_k)], f_k = 10000^(−k / (F/2)), in float32: (N) → (N, F).</summary>
    public static Tensor Sinusoidal(Tensor tau, int dim)
    {
        int half = dim / 2;
        using var k = torch.arange(half, dtype: ScalarType.Float32, device: tau.device);
        using var freqs = (k * (-Math.Log(MaxPeriod) / half)).exp_();                // (F/2)
        using var t = tau.to(ScalarType.Float32).reshape(-1, 1) * TimeScale;         // (N, 1)
        using var args = t * freqs.unsqueeze(0);                                      // (N, F/2)
        using var cos = args.cos();
        using var sin = args.sin();
        return torch.cat([cos, sin], 1);                                              // (N, F)
    }
}
