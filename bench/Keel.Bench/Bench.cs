using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Keel.Bench;

/// <summary>
/// Runs the bench groups, prints a markdown table and writes bench/results/latest.json.
/// <c>--quick</c> uses smaller sizes; <c>--only NAME[,NAME]</c> runs some groups.
/// </summary>
internal static class Bench
{
    public static async Task<int> RunAsync(string[] args, IReadOnlyList<IBenchGroup> groups)
    {
        var quick = args.Contains("--quick");
        var onlyIndex = Array.IndexOf(args, "--only");
        var only = onlyIndex >= 0 && onlyIndex + 1 < args.Length ? args[onlyIndex + 1].Split(',') : null;
        var unknown = only?.Where(o => groups.All(g => g.Name != o)).ToList();
        if (unknown is { Count: > 0 })
        {
            await Console.Error.WriteLineAsync($"unknown group {string.Join(", ", unknown)}; groups: {string.Join(", ", groups.Select(g => g.Name))}");
            return 2;
        }

        var repo = FindRepo();
        await Console.Error.WriteLineAsync("building keel (./keel --version)...");
        BenchContext.Time(repo, Path.Combine(repo, "keel"), "--version");
        var context = new BenchContext(repo, quick);
        var figures = new List<Figure>();
        var clock = Stopwatch.StartNew();
        try
        {
            foreach (var group in groups.Where(g => only is null || only.Contains(g.Name)))
            {
                await Console.Error.WriteLineAsync($"== {group.Name}");
                foreach (var figure in group.Run(context))
                {
                    figures.Add(figure);
                    await Console.Error.WriteLineAsync($"   {figure.Name}: {Format(figure.Value)} {figure.Unit} vs {figure.Baseline} {Format(figure.BaselineValue)} (x{figure.Ratio:0.00})");
                }
            }
        }
        finally
        {
            BenchContext.DeleteDirectory(context.Scratch);
        }

        var table = Table(figures, quick);
        Console.WriteLine(table);
        var results = Path.Combine(repo, "bench", "results");
        Directory.CreateDirectory(results);
        var json = new
        {
            quick,
            machine = new { cores = Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription, runtime = Environment.Version.ToString() },
            seconds = clock.Elapsed.TotalSeconds,
            figures,
        };
        await File.WriteAllTextAsync(Path.Combine(results, "latest.json"),
            JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
        await Console.Error.WriteLineAsync($"wrote bench/results/latest.json in {clock.Elapsed.TotalSeconds:0}s");
        return 0;
    }

    private static string Table(List<Figure> figures, bool quick)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"| figure | keel | baseline | ratio | target |{(quick ? " (--quick sizes)" : "")}");
        sb.AppendLine("|---|---|---|---|---|");
        foreach (var f in figures)
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {f.Name} | {Format(f.Value)} {f.Unit} | {f.Baseline}: {Format(f.BaselineValue)} {f.Unit} | {f.Ratio:0.00}x | {f.Target ?? ""} |");
        return sb.ToString();
    }

    private static string Format(double v) => v.ToString(v >= 100 ? "0" : v >= 1 ? "0.00" : "0.000", CultureInfo.InvariantCulture);

    private static string FindRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Keel.slnx"))) return dir.FullName;
        throw new InvalidOperationException("run the bench from inside the Keel repository");
    }
}
