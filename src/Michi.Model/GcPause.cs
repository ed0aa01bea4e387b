// Runs a stretch of TorchSharp work with garbage collection held off. TorchSharp 0.107 turns
// every double/int argument (the alpha of `a + b`, a slope, a clamp bound) into a temporary
// Scalar that nothing keeps alive during the native call; a collection triggered by another
// thread at that moment lets the finalizer free the Scalar while LibTorch reads it, and the
// process aborts ("Expected false to be true ... c10::Scalar::toFloat"). Seen in long training
// runs on a loaded machine (a speech head run died after 9 steps at load 12). Holding Scalars
// in fields fixes single call sites (Nn/LeakyRelu.cs, Snake); pausing collections around a whole
// training step or generated frame closes the window for every call inside it. Collections
// then happen between steps, when no native call is in flight on the working thread.
// Upstream: dotnet/TorchSharp PRs #1434 and #1496 (dispose implicitly created Scalars), open.
using System.Runtime;

namespace Michi.Model;

public static class GcPause
{
    /// <summary>Managed allocation allowed inside one pause before the runtime collects anyway
    /// (and ends the pause). Tensor wrappers are small; a training step allocates a few MB.</summary>
    public const long DefaultBudgetBytes = 256L << 20;

    /// <summary>Holds collections off until the returned handle is disposed. Best effort: when a
    /// pause is already running (another thread) or the runtime refuses, nothing happens.</summary>
    public static Handle Start(long budgetBytes = DefaultBudgetBytes)
    {
        if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) return default;
        try
        {
            return new Handle(GC.TryStartNoGCRegion(budgetBytes));
        }
        catch (InvalidOperationException)
        {
            return default;   // another thread started one between the check and the call
        }
        catch (ArgumentOutOfRangeException)
        {
            return default;   // a budget larger than this runtime allows: run unprotected
        }
    }

    public readonly struct Handle(bool started) : IDisposable
    {
        public bool Started { get; } = started;

        public void Dispose()
        {
            if (!Started || GCSettings.LatencyMode != GCLatencyMode.NoGCRegion) return;
            try
            {
                GC.EndNoGCRegion();
            }
            catch (InvalidOperationException)
            {
                // The budget was exceeded and the runtime already collected: the pause is over.
            }
        }
    }
}
