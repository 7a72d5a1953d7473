using System.Diagnostics;
using System.Globalization;
using Keel.Tracking.Capture;

namespace Keel.Reproduction;

/// <summary>
/// Runs code the user has not said they trust (a recorded command that arrived in a bundle)
/// under bubblewrap: no network (a network namespace with only loopback), the whole file system
/// read-only except the work folder and a private /tmp, the user's home, <c>$KEEL_HOME</c> (the
/// signing keys) and the workspace hidden behind empty folders, a cleared environment, its own
/// pid namespace (nothing it starts outlives it), a per-process memory limit (RLIMIT_DATA) and
/// a wall-clock limit that keel enforces. The .NET SDK and the NuGet global packages folder
/// stay readable, so a recorded <c>dotnet build</c> restores offline from what is already there.
/// </summary>
internal sealed class CodeSandbox
{
    /// <summary>Names the bubblewrap program (default: <c>bwrap</c> on PATH); a missing one means no sandbox.</summary>
    public const string ProgramVariable = "KEEL_BWRAP";

    private static readonly Lazy<(string? Program, string? Problem)> Probed = new(Probe);

    private CodeSandbox(string program, SandboxLimits limits)
    {
        Program = program;
        Limits = limits;
    }

    public string Program { get; }

    public SandboxLimits Limits { get; }

    /// <summary>A sandbox, or why none can be made on this machine.</summary>
    public static CodeSandbox? TryCreate(SandboxLimits limits, out string? problem)
    {
        var (program, why) = Probed.Value;
        problem = why;
        return program is null ? null : new CodeSandbox(program, limits);
    }

    /// <summary>Describes the confinement for reports: what the code could not do.</summary>
    public string Describe() =>
        $"bubblewrap: no network, read-only file system except its work folder, home, KEEL_HOME and workspace hidden, {Limits.Describe()}";

    /// <summary>The argv that runs <c>bash -c COMMAND</c> in <paramref name="work"/> inside the sandbox.</summary>
    public IReadOnlyList<string> Wrap(string work, string workspaceRoot, string command, IReadOnlyDictionary<string, string> env)
    {
        var a = new List<string>
        {
            "/usr/bin/prlimit", $"--data={Limits.MemoryBytes.ToString(CultureInfo.InvariantCulture)}", "--core=0", "--",
            Program, "--unshare-all", "--die-with-parent", "--new-session",
            "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
        };
        var hidden = new List<string>();
        foreach (var dir in Hidden(workspaceRoot))
        {
            if (!Directory.Exists(dir) || hidden.Any(h => IsInside(h, dir))) continue;
            a.AddRange(["--tmpfs", dir]);
            hidden.Add(dir);
        }
        // What the code needs from a hidden folder comes back read-only: the .NET SDK and tools
        // on PATH, and the NuGet packages a recorded build restores from.
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        var packages = NuGetPackages();
        var back = path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append(Environment.GetEnvironmentVariable("DOTNET_ROOT") ?? "")
            .Append(packages ?? "")
            .Where(d => d.Length > 0 && Path.IsPathRooted(d) && Directory.Exists(d) && hidden.Any(h => IsInside(h, d)))
            .Distinct(StringComparer.Ordinal);
        foreach (var d in back) a.AddRange(["--ro-bind", d, d]);
        a.AddRange(["--bind", work, work, "--chdir", work, "--dir", "/tmp/home", "--clearenv"]);
        var vars = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = path,
            ["HOME"] = "/tmp/home",
            ["DOTNET_CLI_HOME"] = "/tmp/home",
            ["TMPDIR"] = "/tmp",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
            ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
            ["MSBUILDDISABLENODEREUSE"] = "1",
            // Without a network the vulnerability audit cannot load its data and fails the build.
            ["NuGetAudit"] = "false",
        };
        if (packages is not null) vars["NUGET_PACKAGES"] = packages;
        foreach (var (k, v) in Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>().Select(e => ((string)e.Key, e.Value as string ?? "")))
        {
            // The variables a recorded environment compares (numerics, threading, culture) pass; nothing else does.
            if (EnvironmentCapture.AllowedVariables.Contains(k) || EnvironmentCapture.AllowedPrefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal)))
                vars.TryAdd(k, v);
        }
        foreach (var (k, v) in env) vars[k] = v;
        foreach (var (k, v) in vars) a.AddRange(["--setenv", k, v]);
        a.AddRange(["--", "/bin/bash", "-c", command]);
        return a;
    }

    private static IEnumerable<string> Hidden(string workspaceRoot)
    {
        if (Environment.GetEnvironmentVariable("KEEL_HOME") is { Length: > 0 } keelHome) yield return Path.GetFullPath(keelHome);
        if (Environment.GetEnvironmentVariable("HOME") is { Length: > 1 } home) yield return Path.GetFullPath(home);
        yield return Path.GetFullPath(workspaceRoot);
    }

    private static string? NuGetPackages()
    {
        var d = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p
            : Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } home ? Path.Combine(home, ".nuget", "packages") : null;
        return d is not null && Directory.Exists(d) ? Path.GetFullPath(d) : null;
    }

    private static bool IsInside(string dir, string path) =>
        path == dir || path.StartsWith(dir.TrimEnd('/') + "/", StringComparison.Ordinal);

    private static (string? Program, string? Problem) Probe()
    {
        if (!OperatingSystem.IsLinux()) return (null, "sandboxing needs Linux");
        var program = Environment.GetEnvironmentVariable(ProgramVariable) is { Length: > 0 } p ? p : Which("bwrap");
        if (program is null || !File.Exists(program)) return (null, $"bubblewrap ({program ?? "bwrap"}) is not installed");
        if (!File.Exists("/usr/bin/prlimit")) return (null, "prlimit (util-linux) is not installed");
        var psi = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in (string[])["--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--", "/bin/true"])
            psi.ArgumentList.Add(arg);
        try
        {
            using var probe = Process.Start(psi)!;
            var error = probe.StandardError.ReadToEndAsync();
            probe.StandardOutput.ReadToEnd();
            if (!probe.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                probe.Kill(entireProcessTree: true);
                return (null, "bubblewrap did not start a sandbox within 30 s");
            }
            if (probe.ExitCode != 0)
                return (null, $"bubblewrap cannot make a sandbox here ({error.Result.Trim().Split('\n')[0]}; user namespaces may be disabled)");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (null, $"bubblewrap cannot start ({e.Message})");
        }
        return (program, null);
    }

    private static string? Which(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = Path.Combine(dir, name);
            if (File.Exists(f)) return f;
        }
        return null;
    }
}

/// <summary>The limits on sandboxed code: wall-clock time, and memory per process (RLIMIT_DATA).</summary>
public sealed record SandboxLimits(TimeSpan Time, long MemoryBytes)
{
    /// <summary>Two hours and 8 GiB per process.</summary>
    public static SandboxLimits Default { get; } = new(TimeSpan.FromHours(2), 8L << 30);

    public string Describe() => $"at most {Durations(Time)} and {MemoryBytes / (1 << 20)} MiB per process";

    private static string Durations(TimeSpan t) => t.TotalHours >= 1 && t.TotalHours == Math.Floor(t.TotalHours) ? $"{t.TotalHours:0} h"
        : t.TotalMinutes >= 1 && t.TotalMinutes == Math.Floor(t.TotalMinutes) ? $"{t.TotalMinutes:0} min" : $"{t.TotalSeconds:0.#} s";
}

/// <summary>Code that must run sandboxed cannot be, here: the command refuses rather than run it or report a failed check.</summary>
public sealed class NoSandboxException(string message) : KeelException(message);
