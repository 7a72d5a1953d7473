namespace Keel.Bench;

/// <summary>
/// <c>keel add</c> of 15,000 small files (1-64 KiB, skewed small, about 250 MB; 3,000 with
/// --quick) in seconds, beside <c>b3sum</c> over the same files (or <c>sha256sum</c> and
/// <c>cat</c> when b3sum is not installed), and beside <c>cp -r</c> of the same files into the
/// same workspace: the file system's own cost of creating that many files there, which a store
/// of one file per object pays too.
/// Every run gets its own workspace, all written before any is timed, and none is deleted
/// until all are timed: on ext4 mounted without a journal (this machine) every inode
/// allocation walks past the inodes freed in the last one to five minutes
/// (<c>recently_deleted</c> in fs/ext4/ialloc.c; five while their inode table is unwritten), so
/// deleting the previous run's 30,000 files just before made each run pay for the last one's
/// clean-up. A user's first <c>keel add</c> does not follow such a deletion.
/// </summary>
internal sealed class AddSmallFilesBench : IBenchGroup
{
    public string Name => "add-small";

    public IEnumerable<Figure> Run(BenchContext context)
    {
        var count = context.Quick ? 3_000 : 15_000;
        const int runs = 3;
        var workspaces = new string[runs];
        long bytes = 0;
        for (var i = 0; i < runs; i++)
        {
            workspaces[i] = context.FreshWorkspace($"small-ws{i}");
            bytes = WriteFiles(Path.Combine(workspaces[i], "data"), count, seed: 2);
        }
        foreach (var ws in workspaces) BenchContext.WarmPageCache(ws);
        var next = 0;
        var keel = BenchContext.MedianSeconds(runs, () => context.RunKeel(workspaces[next++], "add", "data"));
        next = 0;
        var copy = BenchContext.MedianSeconds(runs, () => BenchContext.Shell(workspaces[next++], "cp -r data .keel/copy"));
        var label = $"keel add, {count:N0} files ({bytes / 1e6:0} MB)";
        var data = Path.Combine(workspaces[0], "data");
        var tools = BenchContext.Installed("b3sum") ? new[] { "b3sum" } : ["sha256sum", "cat"];
        foreach (var tool in tools)
        {
            var seconds = BenchContext.MedianSeconds(runs, () => BenchContext.Shell(data, $"find . -type f -print0 | xargs -0 {tool} > /dev/null"));
            yield return new Figure(Name, label, keel, "s", tool, seconds, keel / seconds, tool == tools[0] ? "< 1.5 s" : null);
        }
        yield return new Figure(Name, label, keel, "s", "cp -r into the workspace", copy, keel / copy, null);
        foreach (var ws in workspaces) BenchContext.DeleteDirectory(ws);
    }

    /// <summary>Seeded files, 1-64 KiB with most near the small end, 100 per folder.</summary>
    public static long WriteFiles(string dir, int count, int seed)
    {
        var random = new Random(seed);
        var buffer = new byte[64 << 10];
        long total = 0;
        for (var i = 0; i < count; i++)
        {
            var u = random.NextDouble();
            var size = 1024 + (int)(63 * 1024 * u * u * u);
            random.NextBytes(buffer.AsSpan(0, size));
            var sub = Path.Combine(dir, $"d{i / 100:D3}");
            if (i % 100 == 0) Directory.CreateDirectory(sub);
            File.WriteAllBytes(Path.Combine(sub, $"f{i:D5}.bin"), buffer[..size]);
            total += size;
        }
        return total;
    }
}
