// Leaky ReLU with its slope held as a Scalar for the module's lifetime. TorchSharp 0.107's
// nn.LeakyReLU / functional.leaky_relu build a temporary Scalar from the double per call and
// can let the GC finalise it while LibTorch still reads it: the process then aborts with
// "Expected false to be true" in c10::Scalar::toFloat (seen in `data shards` after ≈ 350 files).
// Pointwise: causal and stateless. Reference: HiFi-GAN's LRELU_SLOPE (Kong et al. 2020).
// Shapes: any → the same.
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Nn;

public sealed class LeakyRelu : nn.Module<Tensor, Tensor>
{
    private readonly Scalar _slope;

    public LeakyRelu(double slope) : base(nameof(LeakyRelu))
    {
        Slope = slope;
        _slope = slope;
    }

    public double Slope { get; }

    public override Tensor forward(Tensor x)
    {
        var y = x.leaky_relu(_slope);
        GC.KeepAlive(_slope);
        return y;
    }

    /// <summary>In place (inference, and where autograd allows it).</summary>
    public Tensor ForwardInPlace(Tensor x)
    {
        var y = x.leaky_relu_(_slope);
        GC.KeepAlive(_slope);
        return y;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _slope.Dispose();
        base.Dispose(disposing);
    }
}
