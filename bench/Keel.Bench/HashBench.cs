using System.Diagnostics;
using Keel.Objects;

namespace Keel.Bench;

/// <summary>
/// Keel's BLAKE3 on 1 GiB (256 MiB with --quick) in GB/s: in memory on one core and on both,
/// and a page-cached file through <c>ContentHasher.HashFile</c> (memory-mapped, as <c>keel add</c>
/// hashes), each beside <c>b3sum</c> (Rust, hand-written SIMD) on the same bytes in a file, on
/// one thread and on every core. b3sum's figure includes mapping the file, so the in-memory
/// figures flatter Keel a little; the file figure is the like-for-like one.
/// </summary>
internal sealed class HashBench : IBenchGroup
{
    public string Name => "hash";

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
