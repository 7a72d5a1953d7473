using System.Diagnostics;
using System.Text.Json;

namespace Keel.Cli.Tests;

/// <summary>What one run of the real <c>keel</c> binary printed and returned.</summary>
internal sealed record KeelResult(int ExitCode, string Stdout, string Stderr)
{
    public JsonElement Json() => JsonDocument.Parse(Stdout).RootElement;

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
}

/// <summary>
/// Runs the published CLI (<c>artifacts/keel/keel</c>) as a separate process, the way a user
/// does. The launcher builds it once per test run.
/// </summary>
internal static class KeelProcess
{
    private static readonly Lazy<string> Binary = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string RepoRoot { get; } = FindRepoRoot();

    public static KeelResult Run(string cwd, params string[] args) => Run(cwd, TimeSpan.FromSeconds(60), args);

    public static KeelResult Run(string cwd, TimeSpan timeout, params string[] args)
    {
        using var process = Start(cwd, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"keel {string.Join(' ', args)} did not finish within {timeout}");
        }
        process.WaitForExit();
        return new KeelResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Starts keel without waiting; the caller owns (and disposes) the process.</summary>
    public static Process Start(string cwd, params string[] args)
    {
        var info = new ProcessStartInfo(Binary.Value)
        {
            WorkingDirectory = cwd,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["CI"] = "1";
        return Process.Start(info) ?? throw new InvalidOperationException("could not start keel");
    }

    private static string Build()
    {
        var launcher = new ProcessStartInfo(Path.Combine(RepoRoot, "keel"), "--version")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(launcher)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"the launcher failed to build keel:\n{stderr.Result}");
        var binary = Path.Combine(RepoRoot, "artifacts", "keel", "keel");
        if (!File.Exists(binary)) throw new InvalidOperationException($"the launcher did not produce {binary}");
        return binary;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Keel.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"no Keel.slnx above {AppContext.BaseDirectory}");
    }
}
