using System.Diagnostics;
using Keel.Objects;

namespace Keel.Bench;

/// <summary>
/// Keel's BLAKE3 on 1 GiB (256 MiB with --quick) in GB/s: in memory on one core and on both,
/// and a page-cached file through <c>ContentHasher.HashFile</c> (memory-mapped, as <c>keel add</c>
/// hashes), each beside <c>b3sum</c> (Rust, hand-written SIMD) on the same bytes in a file, on
/// one thread and on every core. b3sum's figure includes mapping the file, so the in-memory
/// figures flatter Keel a little; the file figure is the like-for-like one. Also each SIMD
/// kernel forced on 256 MiB, one core, against the scalar code.
/// </summary>
internal sealed class HashBench : IBenchGroup
{
    public string Name => "hash";

    /// <summary>The forced-kernel rows hash this much, on one core.</summary>
    private const int KernelBytes = 256 << 20;

    public IEnumerable<Figure> Run(BenchContext context)
    {
        var size = context.Quick ? 256 << 20 : 1 << 30;
        var runs = 5;
        var dataDir = Path.Combine(context.Scratch, "hash-data");
        Directory.CreateDirectory(dataDir);
        var file = Path.Combine(dataDir, "hash.bin");
        var bytes = new byte[size];
        new Random(2).NextBytes(bytes);
        // Written once and kept: rewriting a GiB each run leaves writeback running into the
        // groups after this one (add-large's copy mode fell to a third).
        if (!File.Exists(file) || new FileInfo(file).Length != size) File.WriteAllBytes(file, bytes);
        BenchContext.WarmPageCache(dataDir);
        var gb = size / 1e9;

        var expected = ContentHasher.HashFile(file);
        var single = gb / MedianSeconds(runs, () => Hash(bytes, parallel: false, expected));
        var both = gb / MedianSeconds(runs, () => Hash(bytes, parallel: true, expected));
        var mapped = gb / MedianSeconds(runs, () =>
        {
            var clock = Stopwatch.StartNew();
            var digest = ContentHasher.HashFile(file);
            clock.Stop();
            if (digest != expected) throw new InvalidOperationException("HashFile gave a different digest");
            return clock.Elapsed;
        });

        foreach (var figure in Kernels(bytes.AsSpan(0, KernelBytes).ToArray(), runs)) yield return figure;

        var mib = $"{size >> 20} MiB";
        if (!BenchContext.Installed("b3sum"))
        {
            yield return new Figure(Name, $"BLAKE3 in memory, 1 core, {mib}", single, "GB/s", "none (b3sum not installed)", single, 1);
            yield break;
        }
        CheckB3sum(dataDir, expected);
        var b3One = gb / BenchContext.MedianSeconds(runs, () => BenchContext.Time(dataDir, "b3sum", "--num-threads", "1", "hash.bin"));
        var b3All = gb / BenchContext.MedianSeconds(runs, () => BenchContext.Time(dataDir, "b3sum", "hash.bin"));
        yield return new Figure(Name, $"BLAKE3 in memory, 1 core, {mib}", single, "GB/s", "b3sum --num-threads 1 (file)", b3One, single / b3One);
        yield return new Figure(Name, $"BLAKE3 in memory, {Environment.ProcessorCount} cores, {mib}", both, "GB/s", "b3sum (file, every core)", b3All, both / b3All);
        yield return new Figure(Name, $"ContentHasher.HashFile, page-cached {mib} file", mapped, "GB/s", "b3sum (file, every core)", b3All, mapped / b3All);
    }

    /// <summary>
    /// The portable 4-way kernel forced, on one core in memory, against the scalar code and (where
    /// the CPU has it) the AVX2 kernel: the figure for ARM64 and x64 without AVX2, measured here
    /// where Vector128 compiles to SSE/AVX encodings. The kernels take turns within each run.
    /// </summary>
    private IEnumerable<Figure> Kernels(byte[] bytes, int runs)
    {
        var reference = new byte[32];
        Blake3Scalar.Hash(bytes, reference);
        var expected = Digest.FromBytes(reference);
        Blake3Kernel[] kernels = Blake3Kernels.IsSupported(Blake3Kernel.Avx2)
            ? [Blake3Kernel.Scalar, Blake3Kernel.Vector128, Blake3Kernel.Avx2]
            : [Blake3Kernel.Scalar, Blake3Kernel.Vector128];
        if (!Blake3Kernels.IsSupported(Blake3Kernel.Vector128)) yield break;
        var seconds = kernels.Select(_ => new List<double>()).ToArray();
        // The first round also pays the JIT, as a short command would; it is discarded.
        for (var run = 0; run <= runs; run++)
        {
            for (var k = 0; k < kernels.Length; k++)
            {
                var elapsed = HashWith(kernels[k], bytes, expected);
                if (run > 0) seconds[k].Add(elapsed.TotalSeconds);
            }
        }
        var gb = bytes.Length / 1e9;
        var rates = seconds.Select(s => gb / Median(s)).ToArray();
        for (var k = 0; k < kernels.Length; k++)
        {
            Console.Error.WriteLine($"hash: {kernels[k]} kernel {gb / seconds[k].Max():0.00}-{gb / seconds[k].Min():0.00} GB/s over {runs} runs");
        }
        var mib = $"{bytes.Length >> 20} MiB";
        yield return new Figure(Name, $"BLAKE3 Vector128 kernel (forced), 1 core, in memory, {mib}", rates[1], "GB/s", "scalar kernel (forced)", rates[0], rates[1] / rates[0]);
        if (kernels.Length > 2)
        {
            yield return new Figure(Name, $"BLAKE3 Vector128 kernel (forced), 1 core, in memory, {mib}", rates[1], "GB/s", "AVX2 kernel (forced)", rates[2], rates[1] / rates[2]);
        }
    }

    private static TimeSpan HashWith(Blake3Kernel kernel, byte[] bytes, Digest expected)
    {
        var clock = Stopwatch.StartNew();
        var hasher = new Blake3Hasher(kernel);
        hasher.Update(bytes);
        Span<byte> hash = stackalloc byte[32];
        hasher.Finalize(hash);
        clock.Stop();
        if (Digest.FromBytes(hash) != expected) throw new InvalidOperationException($"the {kernel} kernel's hash differs from the scalar code's");
        return clock.Elapsed;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        var n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (values[(n / 2) - 1] + values[n / 2]) / 2;
    }

    private static TimeSpan Hash(byte[] bytes, bool parallel, Digest expected)
    {
        var clock = Stopwatch.StartNew();
        var hasher = new Blake3Hasher();
        if (parallel) hasher.UpdateParallel(bytes);
        else hasher.Update(bytes);
        Span<byte> hash = stackalloc byte[32];
        hasher.Finalize(hash);
        clock.Stop();
        if (Digest.FromBytes(hash) != expected) throw new InvalidOperationException("the in-memory hash differs from the file's");
        return clock.Elapsed;
    }

    /// <summary>The first run also pays the JIT (as a short command would); it is discarded.</summary>
    private static double MedianSeconds(int runs, Func<TimeSpan> timed)
    {
        timed();
        return BenchContext.MedianSeconds(runs, timed);
    }

    private static void CheckB3sum(string dir, Digest expected)
    {
        var info = new ProcessStartInfo("b3sum") { WorkingDirectory = dir, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("hash.bin");
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (!output.StartsWith(expected.Hex, StringComparison.Ordinal)) throw new InvalidOperationException($"b3sum disagrees with Keel: {output.Trim()} vs {expected.Hex}");
    }
}
