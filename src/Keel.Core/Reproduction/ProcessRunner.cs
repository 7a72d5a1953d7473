using System.Diagnostics;

namespace Keel.Reproduction;

/// <summary>Runs a program to completion, its output captured; for git and the replayed steps.</summary>
internal static class ProcessRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr, TimeSpan Wall);

    public static Result Run(string cwd, string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, string? logFile = null)
    {
        var psi = new ProcessStartInfo(program)
        {
            WorkingDirectory = cwd,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["GIT_TERMINAL_PROMPT"] = "0";
        if (env is not null)
            foreach (var (k, v) in env) psi.Environment[k] = v;
        var clock = Stopwatch.StartNew();
        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new KeelException($"could not start {program}: {e.Message}; install it or put it on PATH");
        }
        using (p)
        {
            p.StandardInput.Close();
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            p.WaitForExit();
            clock.Stop();
            var result = new Result(p.ExitCode, stdout.Result, stderr.Result, clock.Elapsed);
            if (logFile is not null) File.WriteAllText(logFile, $"$ {program} {string.Join(' ', psi.ArgumentList)}\n--- stdout\n{result.Stdout}--- stderr\n{result.Stderr}--- exit {result.ExitCode}\n");
            return result;
        }
    }

    /// <summary>Runs git; throws with its message when it fails.</summary>
    public static string Git(string cwd, params string[] args)
    {
        var r = Run(cwd, "git", args);
        if (r.ExitCode != 0) throw new KeelException($"git {string.Join(' ', args)} failed in {cwd}: {r.Stderr.Trim()}");
        return r.Stdout;
    }

    public static bool GitOk(string cwd, params string[] args) => Run(cwd, "git", args).ExitCode == 0;
}
