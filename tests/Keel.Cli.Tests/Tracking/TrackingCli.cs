using System.Diagnostics;
using System.Text.Json;

namespace Keel.Cli.Tests.Tracking;

/// <summary>Drives the real <c>keel</c> launcher in a temp folder for the tracking end-to-end tests.</summary>
internal sealed class TrackingCli : IDisposable
{
    public TrackingCli()
    {
        Dir = Path.Combine(Path.GetTempPath(), "keel-e2e-tracking-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Dir);
    }

    public static string RepoRoot { get; } = FindRoot();

    public static string Launcher => Path.Combine(RepoRoot, "keel");

    /// <summary>Where the launcher publishes the binary; put it on PATH so scripts can call <c>keel</c>.</summary>
    public static string BinDir => Path.Combine(RepoRoot, "artifacts", "keel");

    public string Dir { get; }

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public JsonElement Json => JsonDocument.Parse(Stdout).RootElement;
    }

    public Result Keel(params string[] args) => Run(Launcher, args);

    public Result Run(string file, IEnumerable<string> args, string? cwd = null, int timeoutSeconds = 180)
    {
        using var p = Process.Start(StartInfo(file, args, cwd))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutSeconds * 1000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeoutSeconds} s");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    public Process Start(string file, IEnumerable<string> args) => Process.Start(StartInfo(file, args, null))!;

    public Result Git(params string[] args)
    {
        var r = Run("git", args);
        Assert.True(r.ExitCode == 0, $"git {string.Join(' ', args)} failed: {r.Stderr}");
        return r;
    }

    public void InitGitWorkspace()
    {
        Git("init", "-q", "-b", "main");
        Git("config", "user.email", "test@example.com");
        Git("config", "user.name", "Test");
        Git("config", "commit.gpgsign", "false");
    }

    public string Write(string relative, string text)
    {
        var path = Path.Combine(Dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private ProcessStartInfo StartInfo(string file, IEnumerable<string> args, string? cwd)
    {
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = cwd ?? Dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var name in new[] { "KEEL_RUN_ID", "KEEL_WORKSPACE", "KEEL_SEED", "KEEL_METRICS_FILE", "KEEL_EXPERIMENT" }) psi.Environment.Remove(name);
        psi.Environment["PATH"] = BinDir + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        psi.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        return psi;
    }

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Keel.slnx"))) return d.FullName;
        throw new InvalidOperationException("Keel.slnx not found above " + AppContext.BaseDirectory);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
