namespace Keel.Bench;

/// <summary>
/// <c>keel add</c> of one large file (1 GiB; 256 MiB with --quick) in GB/s, beside the read
/// limit (<c>cat FILE &gt; /dev/null</c>), <c>cp</c> and <c>sha256sum</c> / <c>b3sum</c> when installed;
/// in the default copy mode and with <c>--link hardlink</c> on the scratch folder's file system,
/// and in the default mode on XFS with reflinks (a loop-mounted image; root only), where the
/// copy is a clone.
/// </summary>
internal sealed class AddLargeFileBench : IBenchGroup
{
    public string Name => "add-large";

    public IEnumerable<Figure> Run(BenchContext context)
    {
        var size = context.Quick ? 256L << 20 : 1L << 30;
        var runs = context.Quick ? 3 : 5;
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
                LinkData(file, ws);
            });
        var keelRate = gb / keel;
        // Opt-in hardlink mode: the file itself becomes the object, so only the hashing is left.
        var linked = BenchContext.MedianSeconds(runs,
            () => context.RunKeel(ws, "add", "--link", "hardlink", "big.bin"),
            () =>
            {
                context.FreshWorkspace("large-ws");
                LinkData(file, ws);
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
        foreach (var figure in OnXfs(context, file, size, runs)) yield return figure;
    }

    /// <summary>
    /// The file to add is a hard link to the data file <c>cat</c> reads: the same inode, so keel
    /// and the baseline read the very same clean, cached pages (a fresh copy would leave a dirty
    /// GiB in writeback during the add, and its page cache may hold pages of another size than
    /// the original's). In hardlink mode keel makes it read-only, which nothing here minds.
    /// </summary>
    private static void LinkData(string data, string ws)
    {
        BenchContext.Time(ws, "ln", data, "big.bin");
        // The last run's workspace was just deleted: let the file system finish that (XFS frees
        // a clone's shared extents in the background) before the clock starts.
        BenchContext.Shell(ws, "sync -f .");
        BenchContext.WarmPageCache(ws);
    }

    /// <summary>
    /// The default mode where the file system clones (XFS, reflink=1): an image in the scratch
    /// folder, loop-mounted for the measure and taken down after. Nothing when not root or
    /// without mkfs.xfs (Debian's xfsprogs).
    /// </summary>
    private List<Figure> OnXfs(BenchContext context, string file, long size, int runs)
    {
        var figures = new List<Figure>();
        if (Environment.UserName != "root" || !BenchContext.Installed("mkfs.xfs"))
        {
            Console.WriteLine("add-large: not root or no mkfs.xfs (apt-get install xfsprogs): the XFS clone figure is skipped");
            return figures;
        }
        var image = Path.Combine(context.Scratch, "xfs.img");
        var mount = Path.Combine(context.Scratch, "xfs");
        Directory.CreateDirectory(mount);
        try
        {
            BenchContext.Shell(context.Scratch, $"truncate -s {(size * 3) >> 20}M xfs.img && mkfs.xfs -q -f -m reflink=1 xfs.img && mount -o loop xfs.img xfs");
        }
        catch (InvalidOperationException e)
        {
            Console.WriteLine($"add-large: cannot mount an XFS image, the XFS clone figure is skipped: {e.Message.Trim()}");
            File.Delete(image);
            return figures;
        }
        try
        {
            // A real copy across file systems: the file's pages land in XFS's page cache.
            var data = Path.Combine(mount, "big.bin");
            File.Copy(file, data);
            BenchContext.Shell(mount, "sync big.bin");
            var ws = Path.Combine(mount, "ws");
            var keel = BenchContext.MedianSeconds(runs,
                () => context.RunKeel(ws, "add", "big.bin"),
                () =>
                {
                    BenchContext.DeleteDirectory(ws);
                    Directory.CreateDirectory(ws);
                    context.RunKeel(ws, "init");
                    LinkData(data, ws);
                });
            var cat = BenchContext.MedianSeconds(runs, () => BenchContext.Shell(mount, "cat big.bin > /dev/null"));
            var gb = size / 1e9;
            figures.Add(new Figure(Name, $"keel add (default: a clone), one {size >> 20} MiB file on XFS", gb / keel, "GB/s", "cat (read limit)", gb / cat, cat / keel, ">= 0.50x"));
        }
        finally
        {
            BenchContext.Shell(context.Scratch, "umount xfs || umount -l xfs; rm -f xfs.img");
        }
        return figures;
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
