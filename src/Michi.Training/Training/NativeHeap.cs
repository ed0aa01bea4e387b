// Keeps glibc's malloc from handing a training step's freed tensor memory back to the kernel.
// LibTorch allocates CPU tensors with posix_memalign; a codec training step allocates and frees
// a few hundred MB of activations, and glibc's defaults (a dynamic mmap threshold, and trimming
// the heap top once more than twice that is free) return much of it at the end of every step,
// so the next step page-faults it back in, zero-filled: ≈ 20 000 minor faults per step here,
// ≈ 45 ms of system time per GAN step (measured, small codec, batch 8 × 1 s). Fixing the mmap
// threshold at its 32 MiB maximum (mallopt M_MMAP_THRESHOLD, which also stops the dynamic
// adjustment) and trimming only above 1 GiB makes steps reuse the same pages. The cost is that
// the process keeps its peak heap, which a training process needs again every step anyway.
// Process-wide and idempotent; a no-op off Linux or where libc has no mallopt (e.g. musl
// accepts and ignores it). Equivalent to GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:
// glibc.malloc.trim_threshold=1073741824, which needs setting before the process starts.
using System.Runtime.InteropServices;

namespace Michi.Training;

internal static class NativeHeap
{
    private const int TrimThreshold = -1;   // M_TRIM_THRESHOLD
    private const int MmapThreshold = -3;   // M_MMAP_THRESHOLD
    private static int s_done;

    /// <summary>Applies the settings once per process; true when libc accepted both.</summary>
    public static bool KeepFreedMemory()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref s_done, 1) == 1) return false;
        try
        {
            return mallopt(MmapThreshold, 32 << 20) == 1 & mallopt(TrimThreshold, 1 << 30) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int parameter, int value);
}
