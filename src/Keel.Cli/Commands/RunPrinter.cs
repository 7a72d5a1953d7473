using Keel.Tracking;

namespace Keel.Cli.Commands;

/// <summary>The human form of <c>keel runs show</c>.</summary>
internal static class RunPrinter
{
    public static void Print(RunDetail d)
    {
        var r = d.Run;
        Console.WriteLine($"run {r.Id}  {r.Name}  [{RunStatusNames.Name(r.Status)}]");
        Console.WriteLine($"  kind        {r.Kind}{(r.Experiment is null ? "" : "   experiment " + r.Experiment)}");
        Console.WriteLine($"  started     {r.StartedAt:u} by {r.User}@{r.Host} (pid {r.Pid})");
        if (r.EndedAt is { } end) Console.WriteLine($"  ended       {end:u}, exit code {(r.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-")}{(r.EndReason is null ? "" : ": " + r.EndReason)}");
        if (r.Command is not null) Console.WriteLine($"  command     {r.Command}");
        Console.WriteLine($"  seed        {r.Seed}");
        Console.WriteLine($"  code        {r.Git.Commit ?? (r.Git.Branch is null ? "(not a git repository)" : "(no commit yet)")} {r.Git.Branch} {r.Git.Remote}{(r.Git.Dirty ? "  DIRTY" : "")}");
        if (r.Git.Diff is { } diff) Console.WriteLine($"  diff        {diff} ({r.Git.DiffBytes} bytes)");
        foreach (var s in r.Git.SkippedUntracked) Console.WriteLine($"  not in diff {s} (untracked, too large)");
        if (r.Environment is { } env) Console.WriteLine($"  environment {env}");
        if (r.Resources is { } res)
            Console.WriteLine($"  resources   wall {res.WallSeconds:0.###} s, cpu {(res.CpuSeconds is { } c ? $"{c:0.###} s" : "-")}, peak memory {(res.PeakMemoryBytes is { } m ? CliContext.Size(m) : "-")}");
        Section("params", d.Params.Select(p => $"{p.Key} = {p.Value}"));
        Section("metrics (latest)", d.LatestMetrics.Values.Select(m => $"{m.Key} = {TrackingJson.Number(m.Value)} (step {m.Step})"));
        Section("tags", d.Tags.Select(p => $"{p.Key} = {p.Value}"));
        Section("inputs", d.Inputs.Select(i => $"{i.Ref} {i.Digest.Short} ({i.Role})"));
        Section("outputs", d.Outputs.Select(o => $"{o.Name} [{o.Kind}] {o.Digest.Short} {CliContext.Size(o.Bytes)}"));
    }

    private static void Section(string title, IEnumerable<string> lines)
    {
        var list = lines.ToList();
        if (list.Count == 0) return;
        Console.WriteLine($"  {title}:");
        foreach (var l in list) Console.WriteLine($"    {l}");
    }
}
