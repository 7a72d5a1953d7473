using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Keel.Tracking.Capture;

/// <summary>The SIMD instruction sets the runtime reports as usable (they change numeric results of vectorised code).</summary>
internal static class InstructionSets
{
    public static IReadOnlyList<string> Supported()
    {
        var sets = new (string Name, bool Supported)[]
        {
            ("x86base", X86Base.IsSupported), ("sse", Sse.IsSupported), ("sse2", Sse2.IsSupported), ("sse3", Sse3.IsSupported),
            ("ssse3", Ssse3.IsSupported), ("sse4.1", Sse41.IsSupported), ("sse4.2", Sse42.IsSupported), ("popcnt", Popcnt.IsSupported),
            ("avx", Avx.IsSupported), ("avx2", Avx2.IsSupported), ("fma", Fma.IsSupported), ("bmi1", Bmi1.IsSupported),
            ("bmi2", Bmi2.IsSupported), ("lzcnt", Lzcnt.IsSupported), ("aes", System.Runtime.Intrinsics.X86.Aes.IsSupported),
            ("pclmulqdq", Pclmulqdq.IsSupported), ("avxvnni", AvxVnni.IsSupported), ("avx512f", Avx512F.IsSupported),
            ("avx512bw", Avx512BW.IsSupported), ("avx512cd", Avx512CD.IsSupported), ("avx512dq", Avx512DQ.IsSupported),
            ("avx512vbmi", Avx512Vbmi.IsSupported), ("arm.advsimd", AdvSimd.IsSupported), ("arm.aes", System.Runtime.Intrinsics.Arm.Aes.IsSupported),
            ("arm.crc32", Crc32.IsSupported), ("arm.dp", Dp.IsSupported), ("arm.rdm", Rdm.IsSupported), ("arm.sha1", Sha1.IsSupported),
            ("arm.sha256", Sha256.IsSupported),
        };
        return sets.Where(s => s.Supported).Select(s => s.Name).ToList();
    }
}
