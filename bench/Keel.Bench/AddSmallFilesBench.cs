namespace Keel.Bench;

/// <summary>
/// <c>keel add</c> of 15,000 small files (1-64 KiB, skewed small, about 250 MB; 3,000 with
/// --quick) in seconds, beside <c>b3sum</c> over the same files, or <c>sha256sum</c> and
/// <c>cat</c> when b3sum is not installed.
/// </summary>
internal sealed class AddSmallFilesBench : IBenchGroup
{
    public string Name => "add-small";

    public IEnumerable<Figure> Run(BenchContext context)
    {
        var count = context.Quick ? 3_000 : 15_000;
        var runs = 3;
        var ws = Path.Combine(context.Scratch, "small-ws");
        long bytes = 0;
        var keel = BenchContext.MedianSeconds(runs,
            () => context.RunKeel(ws, "add", "data"),
            () =>
            {
                context.FreshWorkspace("small-ws");
                bytes = WriteFiles(Path.Combine(ws, "data"), count, seed: 2);
                BenchContext.WarmPageCache(ws);
            });
        var label = $"keel add, {count:N0} files ({bytes / 1e6:0} MB)";
        var data = Path.Combine(ws, "data");
        var tools = BenchContext.Installed("b3sum") ? new[] { "b3sum" } : ["sha256sum", "cat"];
        foreach (var tool in tools)
        {
            var seconds = BenchContext.MedianSeconds(runs, () => BenchContext.Shell(data, $"find . -type f -print0 | xargs -0 {tool} > /dev/null"));
            yield return new Figure(Name, label, keel, "s", tool, seconds, keel / seconds, tool == tools[0] ? "< 1.5 s" : null);
        }
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
