using System.Diagnostics;
using System.Text.Json;
using Keel.Cli.Tests.Pipelines;

namespace Keel.Cli.Tests.Reproduction;

/// <summary>Runs the real keel binary in a folder with its own KEEL_HOME (keys), so tests never touch ~/.keel.</summary>
internal sealed class ReproCli(string home)
{
    public string Home { get; } = home;

    /// <summary>Extra variables for every keel this runs.</summary>
    public Dictionary<string, string> Environment { get; } = [];

    public CliResult Run(string cwd, params string[] args)
    {
        using var p = Start(cwd, args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"keel {string.Join(' ', args)} timed out");
        }
        p.WaitForExit();
        return new CliResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Starts keel without waiting (for kill tests); the caller owns the process.</summary>
    public Process Start(string cwd, params string[] args)
    {
        var psi = new ProcessStartInfo(PipelineCli.Binary)
        {
            WorkingDirectory = cwd,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["KEEL_HOME"] = Home;
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (k, v) in Environment) psi.Environment[k] = v;
        var p = Process.Start(psi)!;
        p.StandardInput.Close();
        return p;
    }

    public static JsonElement Json(CliResult r) => JsonDocument.Parse(r.Stdout).RootElement;

    /// <summary>Runs a program (git, bash) and fails the test when it fails.</summary>
    public static void Sh(string cwd, string script)
    {
        var psi = new ProcessStartInfo("/bin/bash") { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{script} failed: {o.Result}{e.Result}");
    }

    /// <summary>A new workspace with a git repository holding the given keel.yaml and files, committed.</summary>
    public CliResult NewPipeline(string root, string yaml, params (string Path, string Text)[] files)
    {
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "keel.yaml"), yaml);
        foreach (var (path, text) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, path))!);
            File.WriteAllText(Path.Combine(root, path), text);
        }
        Assert.Equal(0, Run(root, "init").ExitCode);
        Sh(root, "git init -q -b main && git add -A && git -c user.name=t -c user.email=t@t commit -qm init");
        return Run(root, "run");
    }
}
