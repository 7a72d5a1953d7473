using System.Diagnostics;

namespace Keel.Bench;

/// <summary>What every group shares: the repo, the keel binary, a scratch folder, and timing helpers.</summary>
internal sealed class BenchContext
{
    public BenchContext(string repo, bool quick)
    {
        Repo = repo;
        Quick = quick;
        Keel = Path.Combine(repo, "artifacts", "keel", "keel");
        Scratch = Path.Combine(repo, ".keel-bench");
        Directory.CreateDirectory(Scratch);
    }

    public string Repo { get; }

    public bool Quick { get; }

    public string Keel { get; }

    public string Scratch { get; }

    /// <summary>Runs a program and returns its wall time; throws if it fails.</summary>
    public static TimeSpan Time(string cwd, string program, params string[] args)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = cwd,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["CI"] = "1";
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        clock.Stop();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr.Result}{stdout.Result}");
        return clock.Elapsed;
    }

    public static TimeSpan Shell(string cwd, string script) => Time(cwd, "/bin/bash", "-c", script);

    public TimeSpan RunKeel(string cwd, params string[] args) => Time(cwd, Keel, args);

    /// <summary>The median of <paramref name="runs"/> timings, each preceded by <paramref name="setup"/> (untimed).</summary>
    public static double MedianSeconds(int runs, Func<TimeSpan> timed, Action? setup = null)
    {
        var samples = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            setup?.Invoke();
            samples.Add(timed().TotalSeconds);
        }
        samples.Sort();
        return runs % 2 == 1 ? samples[runs / 2] : (samples[(runs / 2) - 1] + samples[runs / 2]) / 2;
    }

    public static bool Installed(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, tool)));

    /// <summary>A fresh folder under the scratch area holding a new Keel workspace.</summary>
    public string FreshWorkspace(string name)
    {
        var dir = Path.Combine(Scratch, name);
        DeleteDirectory(dir);
        Directory.CreateDirectory(dir);
        RunKeel(dir, "init");
        return dir;
    }

    /// <summary>Deletes a folder, read-only objects included.</summary>
    public static void DeleteDirectory(string dir)
    {
        if (!Directory.Exists(dir)) return;
        foreach (var f in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
            File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Directory.Delete(dir, recursive: true);
    }

    /// <summary>Reads every file once so later runs measure hashing, not the disk.</summary>
    public static void WarmPageCache(string path) =>
        Shell("/", $"find '{path}' -type f -not -path '*/.keel/*' -not -path '*/.git/*' -print0 | xargs -0 cat > /dev/null");
}
