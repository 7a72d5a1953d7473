using System.Diagnostics;
using Keel.Pipelines;

namespace Keel.Reproduction;

/// <summary>
/// Runs one replayed step: <c>bash -c COMMAND</c> in the checkout, as a process group of its own
/// that dies with keel (<see cref="ProcessGroups"/>), inside <see cref="CodeSandbox"/> when the
/// code is not trusted, and killed when it outlives the sandbox's time limit.
/// </summary>
internal static class StepRunner
{
    public sealed record Outcome(int ExitCode, TimeSpan Wall, bool TimedOut)
    {
        /// <summary>The last lines of the step's stderr.</summary>
        public IReadOnlyList<string> StderrTail { get; init; } = [];
    }

    public static Outcome Run(string cwd, string command, IReadOnlyDictionary<string, string> env, string logFile, string workspaceRoot, string keelDir, CodeSandbox? sandbox)
    {
        var psi = new ProcessStartInfo
        {
            WorkingDirectory = cwd,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        string shown;
        if (sandbox is null)
        {
            foreach (var (k, v) in env) psi.Environment[k] = v;
            psi.Environment["KEEL_STEP_CMD"] = command;
            ProcessGroups.Supervise(psi, ProcessGroups.SupervisorPrologue + "/bin/bash -c \"$KEEL_STEP_CMD\" & wait $!");
            shown = $"/bin/bash -c {command}";
        }
        else
        {
            // bubblewrap's own pid namespace ends everything inside when it dies; the parent-death
            // signal on bubblewrap itself ends it with keel.
            var argv = sandbox.Wrap(cwd, workspaceRoot, command, env);
            psi.FileName = File.Exists("/usr/bin/setpriv") ? "/usr/bin/setpriv" : argv[0];
            if (psi.FileName == "/usr/bin/setpriv") foreach (var a in (string[])["--pdeathsig", "KILL", "--"]) psi.ArgumentList.Add(a);
            foreach (var a in psi.FileName == argv[0] ? argv.Skip(1) : argv) psi.ArgumentList.Add(a);
            shown = $"(sandboxed: {sandbox.Describe()}) /bin/bash -c {command}";
        }
        var clock = Stopwatch.StartNew();
        using var p = new Process { StartInfo = psi };
        try
        {
            _ = ProcessGroups.StartOnOwnThread(p);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new KeelException($"could not start {psi.FileName}: {e.Message}; install it or put it on PATH");
        }
        var record = ProcessGroups.Record(ProcessGroups.RecordsDir(keelDir), p.Id);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        var timedOut = false;
        if (sandbox is not null && !p.WaitForExit(sandbox.Limits.Time))
        {
            timedOut = true;
            ProcessGroups.Kill(p.Id);
        }
        while (!p.WaitForExit(int.MaxValue))
        {
        }
        // Background processes the step left end with it, and stop holding its output pipes.
        ProcessGroups.KillGroup(p.Id);
        p.WaitForExit();
        ProcessGroups.Forget(record);
        clock.Stop();
        var exit = p.ExitCode;
        var tail = timedOut ? $"--- killed: the step ran past the sandbox's limit of {sandbox!.Limits.Time}\n" : "";
        File.WriteAllText(logFile, $"$ {shown}\n--- stdout\n{stdout.Result}--- stderr\n{stderr.Result}--- exit {exit}\n{tail}");
        return new Outcome(exit, clock.Elapsed, timedOut) { StderrTail = StageLaunch.TailOf(stderr.Result, StageLaunch.TailLines) };
    }
}
