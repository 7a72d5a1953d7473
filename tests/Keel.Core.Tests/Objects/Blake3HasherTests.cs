using System.Runtime.Intrinsics;
using Keel.Objects;

namespace Keel.Core.Tests.Objects;

/// <summary>
/// The SIMD BLAKE3 (16-way AVX-512, 8-way AVX2, 4-way portable Vector128, and the scalar fallback) against the official
/// vectors and against <see cref="Blake3Scalar"/>, through every entry point and split.
/// </summary>
public sealed class Blake3HasherTests
{
    /// <summary>The kernels this CPU runs; a path it cannot run is not reported as passing.</summary>
    public static TheoryData<string> Kernels()
    {
        var data = new TheoryData<string>();
        foreach (var kernel in Enum.GetValues<Blake3Kernel>())
        {
            if (Blake3Kernels.IsSupported(kernel)) data.Add(kernel.ToString());
        }
        return data;
    }

    public static TheoryData<string, int> KernelsAndVectorLengths()
    {
        var data = new TheoryData<string, int>();
        foreach (var kernel in Enum.GetValues<Blake3Kernel>())
        {
            if (!Blake3Kernels.IsSupported(kernel)) continue;
            foreach (var (length, _) in Blake3TestVectors.Cases) data.Add(kernel.ToString(), length);
        }
        return data;
    }

    public static TheoryData<string, int> KernelsAndSizes()
    {
        int[] sizes = [0, 1, 63, 64, 65, 1023, 1024, 1025, 2048, 3072 + 5, 8 * 1024, (16 * 1024) - 1, 16 * 1024, (16 * 1024) + 1, 17 * 1024, 31 * 1024, 32 * 1024, (33 * 1024) + 100, 100_000, (1 << 20) + 17, 5 << 20];
        var data = new TheoryData<string, int>();
        foreach (var kernel in Enum.GetValues<Blake3Kernel>())
        {
            if (!Blake3Kernels.IsSupported(kernel)) continue;
            foreach (var size in sizes) data.Add(kernel.ToString(), size);
        }
        return data;
    }

    [Fact]
    public void Kernels_ThisMachine_RunsAtLeastTheWideKernelItHas()
    {
        // Guards against the SIMD tests silently running only the scalar path on a SIMD CPU.
        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported) Assert.Equal(Blake3Kernel.Avx512, Blake3Kernels.Best);
        else if (System.Runtime.Intrinsics.X86.Avx2.IsSupported) Assert.Equal(Blake3Kernel.Avx2, Blake3Kernels.Best);
        else if (Vector128.IsHardwareAccelerated) Assert.Equal(Blake3Kernel.Vector128, Blake3Kernels.Best);
        else Assert.Equal(Blake3Kernel.Scalar, Blake3Kernels.Best);
        // The portable kernel runs wherever 128-bit vectors do, so its tests run on x64 as well as on ARM64.
        Assert.Equal(Vector128.IsHardwareAccelerated, Blake3Kernels.IsSupported(Blake3Kernel.Vector128));
    }

    [Theory]
    [MemberData(nameof(KernelsAndVectorLengths))]
    public void Hash_OfficialTestVector_MatchesOnEveryPath(string kernelName, int length)
    {
        var kernel = Enum.Parse<Blake3Kernel>(kernelName);
        var expected = Blake3TestVectors.Cases.Single(c => c.Length == length).ExtendedHex[..64];
        var input = Blake3TestVectors.Input(length);

        Assert.Equal(expected, OneShot(kernel, input, parallel: false));
        Assert.Equal(expected, OneShot(kernel, input, parallel: true));
        Assert.Equal(expected, Incremental(kernel, input, [int.MaxValue], parallel: false));
        Assert.Equal(expected, Incremental(kernel, input, [int.MaxValue], parallel: true));
        Assert.Equal(expected, Incremental(kernel, input, [1], parallel: false));
        Assert.Equal(expected, Incremental(kernel, input, [1023], parallel: false));
        Assert.Equal(expected, Incremental(kernel, input, [1024], parallel: true));
        Assert.Equal(expected, Incremental(kernel, input, [1025, 3, 64, 4096 + 7], parallel: false));
        Assert.Equal(expected, Incremental(kernel, input, [17 * 1024, 1], parallel: true));
    }

    [Theory]
    [MemberData(nameof(KernelsAndSizes))]
    public void Hash_RandomInput_EqualsScalarReferenceOnEveryPath(string kernelName, int size)
    {
        var kernel = Enum.Parse<Blake3Kernel>(kernelName);
        var input = RandomBytes(size, seed: size);
        var expected = Scalar(input);

        Assert.Equal(expected, OneShot(kernel, input, parallel: false));
        Assert.Equal(expected, OneShot(kernel, input, parallel: true));
        Assert.Equal(expected, Incremental(kernel, input, [int.MaxValue], parallel: false));
        Assert.Equal(expected, Incremental(kernel, input, [int.MaxValue], parallel: true));
        Assert.Equal(expected, RandomSplits(kernel, input, seed: size));
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Hash_LargeOddInput_EqualsScalarReference(string kernelName)
    {
        var kernel = Enum.Parse<Blake3Kernel>(kernelName);
        // 64 MiB + 3: many levels of parents, two threads, and a short last chunk.
        var input = RandomBytes((64 << 20) + 3, seed: 64);
        var expected = Scalar(input);

        Assert.Equal(expected, OneShot(kernel, input, parallel: true));
        Assert.Equal(expected, Incremental(kernel, input, [(4 << 20) + 1000, 4 << 20], parallel: true));
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Hasher_ThousandRandomSplitPatterns_AllEqualTheScalarReference(string kernelName)
    {
        var kernel = Enum.Parse<Blake3Kernel>(kernelName);
        var input = RandomBytes(40 * 1024 + 333, seed: 7);
        var expected = Scalar(input);

        for (var seed = 0; seed < 1000; seed++) Assert.Equal(expected, RandomSplits(kernel, input, seed));
        for (var seed = 0; seed < 200; seed++)
        {
            var prefix = input[..^(seed * 97)];
            Assert.Equal(Scalar(prefix), RandomSplits(kernel, prefix, seed));
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public unsafe void HashMany_CounterCrossing32Bits_EqualsScalarKernel(string kernelName)
    {
        var kernel = Enum.Parse<Blake3Kernel>(kernelName);
        // Chunk counters past 2^32 need 4 TiB of input; the kernels are checked for the carry directly.
        var input = RandomBytes(16 * 1024, seed: 3);
        var wide = new byte[16 * 32];
        var scalar = new byte[16 * 32];
        const ulong counter = 0xFFFF_FFF8;
        fixed (byte* i = input, w = wide, s = scalar)
        {
            Blake3Tree.HashMany(kernel, i, 16, 1024, 16, counter, true, 0, 1, 2, w);
            Blake3Tree.HashMany(Blake3Kernel.Scalar, i, 16, 1024, 16, counter, true, 0, 1, 2, s);
        }

        Assert.Equal(scalar, wide);
    }

    [Fact]
    public void Transpose16_Avx512_SwapsRowsAndColumns()
    {
        if (!Blake3Kernels.IsSupported(Blake3Kernel.Avx512)) return;
        Blake3Vectors16<Vector512<uint>> v = default;
        for (var i = 0; i < 16; i++) v[i] = Vector512.Create(Enumerable.Range(0, 16).Select(j => (uint)(i * 16 + j)).ToArray());

        Blake3Avx512.Transpose(ref v);

        for (var i = 0; i < 16; i++)
        {
            for (var j = 0; j < 16; j++) Assert.Equal((uint)(j * 16 + i), v[i][j]);
        }
    }

    [Fact]
    public void Transpose8_Avx2_SwapsRowsAndColumns()
    {
        if (!Blake3Kernels.IsSupported(Blake3Kernel.Avx2)) return;
        Blake3Vectors16<Vector256<uint>> v = default;
        for (var i = 0; i < 16; i++) v[i] = Vector256.Create(Enumerable.Range(0, 8).Select(j => (uint)(i * 8 + j)).ToArray());

        Blake3Avx2.Transpose(ref v, 0);
        Blake3Avx2.Transpose(ref v, 8);

        for (var half = 0; half < 16; half += 8)
        {
            for (var i = 0; i < 8; i++)
            {
                for (var j = 0; j < 8; j++) Assert.Equal((uint)((half + j) * 8 + i), v[half + i][j]);
            }
        }
    }

    [Fact]
    public void Transpose4_Vector128_SwapsRowsAndColumns()
    {
        if (!Blake3Kernels.IsSupported(Blake3Kernel.Vector128)) return;
        Blake3Vectors16<Vector128<uint>> v = default;
        for (var i = 0; i < 16; i++) v[i] = Vector128.Create(Enumerable.Range(0, 4).Select(j => (uint)(i * 4 + j)).ToArray());

        for (var quarter = 0; quarter < 16; quarter += 4) Blake3Vector128.Transpose(ref v, quarter);

        for (var quarter = 0; quarter < 16; quarter += 4)
        {
            for (var i = 0; i < 4; i++)
            {
                for (var j = 0; j < 4; j++) Assert.Equal((uint)((quarter + j) * 4 + i), v[quarter + i][j]);
            }
        }
    }

    [Fact]
    public void Transpose4_Vector128_KeepsEveryBitOfEveryWord()
    {
        // Words with their high and low bits set, to catch a mask or a shift that loses half a word.
        if (!Blake3Kernels.IsSupported(Blake3Kernel.Vector128)) return;
        var random = new Random(4);
        var words = new uint[16];
        for (var i = 0; i < 16; i++) words[i] = (uint)random.NextInt64(0x8000_0001, uint.MaxValue);
        Blake3Vectors16<Vector128<uint>> v = default;
        for (var i = 0; i < 4; i++) v[i] = Vector128.Create(words.AsSpan(i * 4, 4));

        Blake3Vector128.Transpose(ref v, 0);

        for (var i = 0; i < 4; i++)
        {
            for (var j = 0; j < 4; j++) Assert.Equal(words[j * 4 + i], v[i][j]);
        }
    }

    [Fact]
    public void Hasher_UnsupportedKernel_IsRefused()
    {
        foreach (var kernel in Enum.GetValues<Blake3Kernel>())
        {
            if (!Blake3Kernels.IsSupported(kernel)) Assert.Throws<PlatformNotSupportedException>(() => new Blake3Hasher(kernel));
        }
        Assert.NotNull(new Blake3Hasher(Blake3Kernel.Scalar));
    }

    private static string OneShot(Blake3Kernel kernel, byte[] input, bool parallel)
    {
        var output = new byte[32];
        Blake3Tree.Hash(kernel, input, parallel, output);
        return Convert.ToHexStringLower(output);
    }

    /// <summary>Feeds the input in pieces of the given sizes, repeating the pattern until it is all in.</summary>
    private static string Incremental(Blake3Kernel kernel, byte[] input, int[] pattern, bool parallel)
    {
        var hasher = new Blake3Hasher(kernel);
        var offset = 0;
        for (var i = 0; offset < input.Length; i++)
        {
            var take = Math.Min(pattern[i % pattern.Length], input.Length - offset);
            if (parallel) hasher.UpdateParallel(input.AsSpan(offset, take));
            else hasher.Update(input.AsSpan(offset, take));
            offset += take;
        }
        var output = new byte[32];
        hasher.Finalize(output);
        return Convert.ToHexStringLower(output);
    }

    /// <summary>Random piece sizes from empty to a few chunks, with an occasional large one.</summary>
    private static string RandomSplits(Blake3Kernel kernel, byte[] input, int seed)
    {
        var random = new Random(seed);
        var hasher = new Blake3Hasher(kernel);
        var offset = 0;
        while (offset < input.Length)
        {
            var max = random.Next(4) == 0 ? 70_000 : 3000;
            var take = Math.Min(random.Next(max), input.Length - offset);
            if (random.Next(2) == 0) hasher.UpdateParallel(input.AsSpan(offset, take));
            else hasher.Update(input.AsSpan(offset, take));
            offset += take;
        }
        var output = new byte[32];
        hasher.Finalize(output);
        return Convert.ToHexStringLower(output);
    }

    private static string Scalar(byte[] input)
    {
        var output = new byte[32];
        Blake3Scalar.Hash(input, output);
        return Convert.ToHexStringLower(output);
    }

    private static byte[] RandomBytes(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
