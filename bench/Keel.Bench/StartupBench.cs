namespace Keel.Bench;

/// <summary><c>keel --version</c>: the start-up floor every command pays, beside <c>git --version</c>.</summary>
internal sealed class StartupBench : IBenchGroup
{
    public string Name => "startup";

    public IEnumerable<Figure> Run(BenchContext context)
    {
        var runs = context.Quick ? 5 : 11;
        context.RunKeel(context.Scratch, "--version");
        var keel = BenchContext.MedianSeconds(runs, () => context.RunKeel(context.Scratch, "--version"));
        var git = BenchContext.MedianSeconds(runs, () => BenchContext.Time(context.Scratch, "git", "--version"));
        yield return new Figure(Name, "keel --version (start-up)", keel * 1000, "ms", "git --version", git * 1000, keel / git);
    }
}
