// The three spectral terms of one reconstruction, each a scalar tensor averaged over the
// resolutions: log-mel L1, spectral convergence and log-magnitude L1. The caller owns them.
using static TorchSharp.torch;

namespace Michi.Training.Losses;

public sealed record SpectralLossTerms(Tensor Mel, Tensor Convergence, Tensor LogMagnitude) : IDisposable
{
    public void Dispose()
    {
        Mel.Dispose();
        Convergence.Dispose();
        LogMagnitude.Dispose();
    }
}
