using System.Runtime.Intrinsics.X86;

namespace Keel.Objects;

/// <summary>Which compression code hashes many inputs at once: the widest the CPU has, unless a test picks one.</summary>
internal enum Blake3Kernel
{
    Scalar,
    Avx2,
    Avx512,
}

internal static class Blake3Kernels
{
    /// <summary>The widest kernel this CPU runs.</summary>
    public static Blake3Kernel Best { get; } =
        Blake3Avx512.IsSupported && Blake3Avx2.IsSupported ? Blake3Kernel.Avx512
        : Blake3Avx2.IsSupported ? Blake3Kernel.Avx2
        : Blake3Kernel.Scalar;

    /// <summary>Whether this CPU can run <paramref name="kernel"/>.</summary>
    public static bool IsSupported(Blake3Kernel kernel) => kernel switch
    {
        Blake3Kernel.Avx512 => Avx512F.IsSupported && Avx2.IsSupported,
        Blake3Kernel.Avx2 => Avx2.IsSupported,
        _ => true,
    };

    /// <summary>How many chunks the kernel compresses in one pass.</summary>
    public static int Degree(this Blake3Kernel kernel) => kernel switch
    {
        Blake3Kernel.Avx512 => Blake3Avx512.Degree,
        Blake3Kernel.Avx2 => Blake3Avx2.Degree,
        _ => 1,
    };
}
