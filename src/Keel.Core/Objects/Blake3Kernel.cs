using System.Runtime.Intrinsics.X86;

namespace Keel.Objects;

/// <summary>Which compression code hashes many inputs at once: the widest the CPU has, unless a test picks one.</summary>
internal enum Blake3Kernel
{
    Scalar,
    Vector128,
    Avx2,
    Avx512,
}

internal static class Blake3Kernels
{
    /// <summary>
    /// The SIMD kernels are compiled at run time on first use (about 8 ms here), while the
    /// scalar code is precompiled and hashes about 0.55 GB/s: the compile costs what hashing
    /// some 4 MiB with the scalar code does. So a process uses SIMD for an input of 1 MiB or
    /// more, or once 4 MiB have gone through the scalar code, and from then on for every input
    /// of 4 KiB or more (below that, a partly filled 16-way pass is not faster).
    /// </summary>
    public const int ColdSimdMin = 1 << 20;

    public const int WarmSimdMin = 4 << 10;

    /// <summary>Bytes of scalar hashing that cost about what compiling the SIMD code does.</summary>
    public const long ScalarBudget = 4L << 20;

    private static volatile bool s_warm;
    private static long s_scalarBytes;

    /// <summary>The widest kernel this CPU runs.</summary>
    public static Blake3Kernel Best { get; } =
        Blake3Avx512.IsSupported && Blake3Avx2.IsSupported ? Blake3Kernel.Avx512
        : Blake3Avx2.IsSupported ? Blake3Kernel.Avx2
        : Blake3Vector128.IsSupported ? Blake3Kernel.Vector128
        : Blake3Kernel.Scalar;

    /// <summary>The kernel for an input of <paramref name="length"/> bytes in this process (see <see cref="ColdSimdMin"/>).</summary>
    public static Blake3Kernel For(long length)
    {
        if (length < WarmSimdMin || Best == Blake3Kernel.Scalar) return Blake3Kernel.Scalar;
        if (s_warm || length >= ColdSimdMin || Interlocked.Add(ref s_scalarBytes, length) >= ScalarBudget) return Best;
        return Blake3Kernel.Scalar;
    }

    /// <summary>Called when a SIMD kernel has run: it is compiled, so it is now the cheaper one.</summary>
    public static void MarkWarm()
    {
        if (!s_warm) s_warm = true;
    }

    private static int s_compiling;

    /// <summary>
    /// Compiles the widest kernel on a pool thread (one 16-chunk pass over zeros), for a caller
    /// that knows it will hash a large input after other work: the compile then overlaps that
    /// work instead of opening the hash. Once per process; nothing where the kernel is scalar.
    /// </summary>
    public static void CompileInBackground()
    {
        if (s_warm || Best == Blake3Kernel.Scalar || Interlocked.Exchange(ref s_compiling, 1) == 1) return;
        ThreadPool.UnsafeQueueUserWorkItem(static _ =>
        {
            var input = new byte[16 * Blake3Constants.ChunkLen];
            Span<byte> hash = stackalloc byte[32];
            Blake3Tree.Hash(Best, input, parallel: false, hash);
        }, null);
    }

    /// <summary>Whether this CPU can run <paramref name="kernel"/>.</summary>
    public static bool IsSupported(Blake3Kernel kernel) => kernel switch
    {
        Blake3Kernel.Avx512 => Avx512F.IsSupported && Avx2.IsSupported,
        Blake3Kernel.Avx2 => Avx2.IsSupported,
        Blake3Kernel.Vector128 => Blake3Vector128.IsSupported,
        _ => true,
    };

    /// <summary>How many chunks the kernel compresses in one pass.</summary>
    public static int Degree(this Blake3Kernel kernel) => kernel switch
    {
        Blake3Kernel.Avx512 => Blake3Avx512.Degree,
        Blake3Kernel.Avx2 => Blake3Avx2.Degree,
        Blake3Kernel.Vector128 => Blake3Vector128.Degree,
        _ => 1,
    };
}
