using System.Diagnostics;
using System.Text.Json;

namespace Keel.Team.Tests.Infrastructure;

/// <summary>What one run of the real <c>keel</c> binary printed.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public JsonElement Json() => JsonDocument.Parse(Stdout).RootElement;

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs the keel the launcher built (<see cref="SlurmFixture.KeelBinary"/>) with a private KEEL_HOME and extra environment.</summary>
internal sealed class TeamCli(string home, IReadOnlyDictionary<string, string>? environment = null)
{
    public CliResult Run(string cwd, params string[] args) => Run(cwd, 0, TimeSpan.FromMinutes(3), args);

    public CliResult Run(string cwd, int expectExit, TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo(SlurmFixture.KeelBinary) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["CI"] = "1";
        info.Environment["KEEL_HOME"] = home;
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        using var p = Process.Start(info)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"keel {string.Join(' ', args)} did not finish in {timeout}");
        }
        p.WaitForExit();
        var result = new CliResult(p.ExitCode, stdout.Result, stderr.Result);
        // A negative expectExit leaves the exit code to the caller.
        if (expectExit >= 0) Assert.True(p.ExitCode == expectExit, $"keel {string.Join(' ', args)}: expected exit {expectExit}\n{result}");
        return result;
    }

    /// <summary>Runs a bash script and fails the test when it fails; returns its stdout.</summary>
    public static string Sh(string cwd, string script, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("/bin/bash") { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        using var p = Process.Start(info)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{script} failed (exit {p.ExitCode}): {o.Result}{e.Result}");
        return o.Result;
    }
}
