using System.Text;

namespace Keel.Bench.Pipelines;

/// <summary>
/// Pipeline figures: a no-op <c>keel run</c> on 100 stages over 10,000 input files against
/// <c>keel --version</c>; the overhead per stage of a stage that runs <c>true</c> against
/// running <c>true</c> directly; and the quickstart's wall time.
/// </summary>
internal sealed class PipelineBench : IBenchGroup
{
    public string Name => "pipelines";

    public IEnumerable<Figure> Run(BenchContext context)
    {
        var stages = 100;
        var filesPerStage = context.Quick ? 20 : 100;
        var ws = context.FreshWorkspace("pipeline-noop");
        var yaml = new StringBuilder("stages:\n");
        for (var s = 0; s < stages; s++)
        {
            var dir = Path.Combine(ws, "data", $"part{s:000}");
            Directory.CreateDirectory(dir);
            for (var f = 0; f < filesPerStage; f++)
                File.WriteAllText(Path.Combine(dir, $"f{f:000}.txt"), $"stage {s} file {f}\n");
            yaml.Append($"  s{s:000}:\n    cmd: mkdir -p out && ls data/part{s:000} | wc -l > out/s{s:000}.txt\n    deps: [data/part{s:000}]\n    outs: [out/s{s:000}.txt]\n");
        }
        File.WriteAllText(Path.Combine(ws, "keel.yaml"), yaml.ToString());
        context.RunKeel(ws, "run");
        // A file written within the racy window (2 s) could change again in the same clock tick
        // without its stat changing, so neither the stat cache nor the no-op snapshot vouches
        // for it yet. Wait that out, as any real no-op run has, then let one full run settle the
        // stat cache and write the snapshot that the timed runs check.
        Thread.Sleep(Keel.Objects.StatCache.RacyWindow + TimeSpan.FromMilliseconds(500));
        context.RunKeel(ws, "run");
        var runs = context.Quick ? 5 : 9;
        var noop = BenchContext.MedianSeconds(runs, () => context.RunKeel(ws, "run"));
        var startup = BenchContext.MedianSeconds(runs, () => context.RunKeel(ws, "--version"));
        yield return new Figure(Name, $"no-op keel run, {stages} stages, {stages * filesPerStage:N0} input files", noop * 1000, "ms",
            "keel --version", startup * 1000, noop / startup, "<= 2x");

        var overheadWs = context.FreshWorkspace("pipeline-overhead");
        var count = 20;
        var trueYaml = new StringBuilder("stages:\n");
        for (var s = 0; s < count; s++) trueYaml.Append($"  t{s:00}:\n    cmd: \"true\"\n");
        File.WriteAllText(Path.Combine(overheadWs, "keel.yaml"), trueYaml.ToString());
        context.RunKeel(overheadWs, "run", "--force");
        var forced = BenchContext.MedianSeconds(context.Quick ? 3 : 5, () => context.RunKeel(overheadWs, "run", "--force"));
        var direct = BenchContext.MedianSeconds(context.Quick ? 3 : 5, () => BenchContext.Shell(overheadWs, string.Concat(Enumerable.Repeat("/bin/bash -c true; ", count))));
        var perStage = (forced - startup - direct) / count;
        yield return new Figure(Name, "overhead per stage running `true`", perStage * 1000, "ms",
            "bash -c true, per stage", direct / count * 1000, perStage / (direct / count), "< 50 ms");

        if (context.Quick) yield break;
        var quickstart = Path.Combine(context.Scratch, "quickstart");
        BenchContext.DeleteDirectory(quickstart);
        var wall = context.RunKeel(context.Scratch, "quickstart", "--dir", quickstart).TotalSeconds;
        yield return new Figure(Name, "keel quickstart wall time", wall, "s", "one minute", 60, wall / 60, "< 60 s");
    }
}
