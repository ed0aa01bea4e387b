// One LibTorch thread for this test assembly: on the shared 2-core machine two threads made
// training steps up to 10× slower whenever other work ran (OpenMP spin-waiting), and results
// do not depend on the thread count (checked: same losses with 1 and 2 threads).
//
// Test classes run one at a time: trainers seed LibTorch's process-wide default generator, so
// two trainings running side by side draw from each other's random streams and a resumed run
// no longer equals an uninterrupted one (seen in CI: the resume tests failed under parallelism).
using System.Runtime.CompilerServices;
using TorchSharp;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Michi.Training.Tests;

internal static class TestSetup
{
    [ModuleInitializer]
    internal static void SingleThread() => torch.set_num_threads(1);
}
