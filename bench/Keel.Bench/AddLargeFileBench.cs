namespace Keel.Bench;

/// <summary>
/// <c>keel add</c> of one large file (1 GiB; 256 MiB with --quick) in GB/s, beside the read
/// limit (<c>cat FILE &gt; /dev/null</c>), <c>cp</c> and <c>sha256sum</c> / <c>b3sum</c> when installed;
/// in the default copy mode and with <c>--link hardlink</c>.
/// </summary>
internal sealed class AddLargeFileBench : IBenchGroup
{
    public string Name => "add-large";

    public IEnumerable<Figure> Run(BenchContext context)
    {
        var size = context.Quick ? 256L << 20 : 1L << 30;
        var runs = context.Quick ? 3 : 3;
        var dataDir = Path.Combine(context.Scratch, "large-data");
        Directory.CreateDirectory(dataDir);
        var file = Path.Combine(dataDir, "big.bin");
        WriteRandom(file, size, seed: 1);
        BenchContext.WarmPageCache(dataDir);
        var gb = size / 1e9;

        var ws = Path.Combine(context.Scratch, "large-ws");
        var keel = BenchContext.MedianSeconds(runs,
            () => context.RunKeel(ws, "add", "big.bin"),
            () =>
            {
                // A fresh workspace each run: nothing cached, nothing stored yet.
                context.FreshWorkspace("large-ws");
                File.Copy(file, Path.Combine(ws, "big.bin"));
                BenchContext.WarmPageCache(ws);
            });
        var keelRate = gb / keel;
        // Opt-in hardlink mode: the file itself becomes the object, so only the hashing is left.
        var linked = BenchContext.MedianSeconds(runs,
            () => context.RunKeel(ws, "add", "--link", "hardlink", "big.bin"),
            () =>
            {
                context.FreshWorkspace("large-ws");
                File.Copy(file, Path.Combine(ws, "big.bin"));
                BenchContext.WarmPageCache(ws);
            });
        var linkedRate = gb / linked;

        var cat = gb / BenchContext.MedianSeconds(runs, () => BenchContext.Shell(dataDir, "cat big.bin > /dev/null"));
        yield return new Figure(Name, $"keel add, one {size >> 20} MiB file", keelRate, "GB/s", "cat (read limit)", cat, keelRate / cat, ">= 0.50x");
        // keel add stores a copy, so the honest floor is a plain copy on the same disk.
        var cp = gb / BenchContext.MedianSeconds(runs,
            () => BenchContext.Shell(dataDir, "cp big.bin big.copy"),
            () => File.Delete(Path.Combine(dataDir, "big.copy")));
        File.Delete(Path.Combine(dataDir, "big.copy"));
        yield return new Figure(Name, $"keel add, one {size >> 20} MiB file", keelRate, "GB/s", "cp (copy limit)", cp, keelRate / cp);
        yield return new Figure(Name, $"keel add --link hardlink, one {size >> 20} MiB file", linkedRate, "GB/s", "cat (read limit)", cat, linkedRate / cat, ">= 0.50x");
        yield return new Figure(Name, $"keel add --link hardlink, one {size >> 20} MiB file", linkedRate, "GB/s", "cp (copy limit)", cp, linkedRate / cp);
        foreach (var tool in new[] { "b3sum", "sha256sum" })
        {
            if (!BenchContext.Installed(tool)) continue;
            var rate = gb / BenchContext.MedianSeconds(runs, () => BenchContext.Time(dataDir, tool, "big.bin"));
            yield return new Figure(Name, $"keel add, one {size >> 20} MiB file", keelRate, "GB/s", tool, rate, keelRate / rate);
        }
    }

    private static void WriteRandom(string path, long size, int seed)
    {
        if (File.Exists(path) && new FileInfo(path).Length == size) return;
        var random = new Random(seed);
        var chunk = new byte[16 << 20];
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        for (long written = 0; written < size; written += chunk.Length)
        {
            random.NextBytes(chunk);
            stream.Write(chunk, 0, (int)Math.Min(chunk.Length, size - written));
        }
    }
}
