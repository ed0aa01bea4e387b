// One LibTorch thread for this test assembly: on the shared 2-core machine two threads made
// training steps up to 10× slower whenever other work ran (OpenMP spin-waiting), and results
// do not depend on the thread count (checked: same losses with 1 and 2 threads).
using System.Runtime.CompilerServices;
using TorchSharp;

namespace Michi.Training.Tests;

internal static class TestSetup
{
    [ModuleInitializer]
    internal static void SingleThread() => torch.set_num_threads(1);
}
