namespace Keel.Bench;

/// <summary>
/// <c>keel status</c> over 100,000 tracked files (20,000 with --quick), nothing changed,
/// beside <c>git status</c> on the same tree with every file committed. Both run twice first
/// so their caches are warm; then the median of five.
/// </summary>
internal sealed class StatusBench : IBenchGroup
{
    public string Name => "status";

    public IEnumerable<Figure> Run(BenchContext context)
    {
        var count = context.Quick ? 20_000 : 100_000;
        var ws = context.FreshWorkspace("status-ws");
        var random = new Random(3);
        var buffer = new byte[256];
        for (var i = 0; i < count; i++)
        {
            var sub = Path.Combine(ws, "data", $"d{i / 500:D3}");
            if (i % 500 == 0) Directory.CreateDirectory(sub);
            random.NextBytes(buffer);
            File.WriteAllBytes(Path.Combine(sub, $"f{i:D6}.txt"), buffer[..(16 + (i % 240))]);
        }
        context.RunKeel(ws, "add", "data");
        BenchContext.Shell(ws, "git init -q . && git add -A data && git -c user.name=bench -c user.email=bench@example.com commit -qm data");

        for (var i = 0; i < 2; i++)
        {
            context.RunKeel(ws, "status");
            BenchContext.Time(ws, "git", "status", "--porcelain");
        }
        var keel = BenchContext.MedianSeconds(5, () => context.RunKeel(ws, "status"));
        var git = BenchContext.MedianSeconds(5, () => BenchContext.Time(ws, "git", "status", "--porcelain"));
        yield return new Figure(Name, $"keel status, {count:N0} files unchanged", keel, "s", "git status", git, keel / git, "<= 2x");
    }
}
