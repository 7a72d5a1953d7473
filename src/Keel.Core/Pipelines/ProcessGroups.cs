using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;
using Keel.Tracking.Execution;

namespace Keel.Pipelines;

/// <summary>
/// Keeps a stage's processes from outliving keel. A stage starts as the leader of a session of
/// its own (<c>setsid</c>), so its whole tree is one process group that keel kills at once; a
/// supervising shell carries a parent-death signal (<c>setpriv --pdeathsig HUP</c>) and kills
/// the group when it arrives, so a <c>kill -9</c> of keel takes the stage with it. The signals
/// it traps are first reset to their default (<c>env --default-signal</c>): a shell cannot trap
/// a signal that was ignored when it started, and keel started under <c>nohup</c> would pass
/// SIGHUP on ignored. Each running
/// group is also recorded under <c>.keel/processes</c> (with start times, which defeat pid
/// reuse) so that the next command can end what a dead keel left, should the signal be missed.
/// </summary>
internal static class ProcessGroups
{
    public const string RecordsFolder = "processes";

    private const int SigKill = 9;

    private static readonly bool HasUtilLinux = File.Exists("/usr/bin/setsid") && File.Exists("/usr/bin/setpriv") && File.Exists("/usr/bin/env");

    private static readonly Lazy<string> Self = new(() => $"{Environment.ProcessId} {StartTime(Environment.ProcessId)}");

    public static string RecordsDir(string keelDir) => Path.Combine(keelDir, RecordsFolder);

    /// <summary>
    /// The shell lines that open a supervised script: end the group on a parent-death or
    /// termination signal, and at once if keel died before the signal was armed.
    /// </summary>
    public static string SupervisorPrologue =>
        $"trap 'kill -KILL 0' HUP TERM INT; [ \"$PPID\" = {Environment.ProcessId} ] || kill -KILL 0; ";

    /// <summary>
    /// Points <paramref name="psi"/> at <c>setsid env --default-signal=HUP,INT,TERM setpriv
    /// --pdeathsig HUP -- bash -c SCRIPT</c>;
    /// SCRIPT should begin with <see cref="SupervisorPrologue"/> and run the stage in the
    /// background with <c>wait</c>, since bash runs traps only between commands.
    /// </summary>
    public static void Supervise(ProcessStartInfo psi, string script)
    {
        psi.ArgumentList.Clear();
        if (HasUtilLinux && OperatingSystem.IsLinux())
        {
            psi.FileName = "/usr/bin/setsid";
            foreach (var a in (string[])["/usr/bin/env", "--default-signal=HUP,INT,TERM", "/usr/bin/setpriv", "--pdeathsig", "HUP", "--", "/bin/bash"])
            {
                psi.ArgumentList.Add(a);
            }
        }
        else psi.FileName = "/bin/bash";
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
    }

    /// <summary>
    /// Starts the process from a thread that lives until it exits: the parent-death signal
    /// fires when the forking <em>thread</em> ends, and a thread-pool thread may retire while
    /// the stage runs. The task completes when the process has exited, whether or not something
    /// it left still holds its output pipes.
    /// </summary>
    public static Task StartOnOwnThread(Process process)
    {
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Exception? error = null;
        using var started = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            try
            {
                process.Start();
            }
            catch (Exception e)
            {
                error = e;
                return;
            }
            finally
            {
                started.Set();
            }
            // A finite wait returns at exit without waiting for the redirected streams.
            try
            {
                while (!process.WaitForExit(int.MaxValue))
                {
                }
            }
            catch (InvalidOperationException)
            {
            }
            exited.TrySetResult();
        })
        { IsBackground = true, Name = "keel stage" };
        thread.Start();
        started.Wait();
        if (error is not null) ExceptionDispatchInfo.Throw(error);
        return exited.Task;
    }

    /// <summary>Kills what is left of the group once its leader has exited (the pid alone may already name another process).</summary>
    public static void KillGroup(int leader)
    {
        if (OperatingSystem.IsLinux() && leader > 1) LinuxSpawn.kill(-leader, SigKill);
    }

    /// <summary>Kills every process of the group led by <paramref name="leader"/>, and the leader itself in case it has not yet made its group.</summary>
    public static void Kill(int leader)
    {
        if (!OperatingSystem.IsLinux() || leader <= 1) return;
        LinuxSpawn.kill(-leader, SigKill);
        LinuxSpawn.kill(leader, SigKill);
    }

    /// <summary>Records a running group under <paramref name="recordsDir"/>; returns the record's path (null: not recorded).</summary>
    public static string? Record(string? recordsDir, int leader)
    {
        if (recordsDir is null || !OperatingSystem.IsLinux()) return null;
        try
        {
            Directory.CreateDirectory(recordsDir);
            var path = Path.Combine(recordsDir, leader.ToString(CultureInfo.InvariantCulture));
            // "keel-pid keel-start group group-start", one line.
            File.WriteAllText(path, $"{Self.Value} {leader} {StartTime(leader)}\n");
            return path;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static void Forget(string? record)
    {
        if (record is null) return;
        try
        {
            File.Delete(record);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// Kills the recorded groups whose keel is gone and removes their records; a group whose
    /// keel still runs (another command in this workspace) is left alone. Returns how many
    /// groups were killed.
    /// </summary>
    public static int ReapLeftovers(string keelDir)
    {
        var dir = RecordsDir(keelDir);
        if (!OperatingSystem.IsLinux() || !Directory.Exists(dir)) return 0;
        var reaped = 0;
        foreach (var file in Directory.EnumerateFiles(dir))
        {
            string[] f;
            try
            {
                f = File.ReadAllText(file).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            }
            catch (IOException)
            {
                continue;
            }
            if (f.Length == 4 && int.TryParse(f[0], CultureInfo.InvariantCulture, out var keel) && int.TryParse(f[2], CultureInfo.InvariantCulture, out var group))
            {
                if (StartTime(keel) == f[1]) continue; // its keel is alive
                var leaderStart = StartTime(group);
                // The leader's pid now names another process: the recorded group is gone, since the
                // kernel does not reuse a pid while a process still has it as its group id.
                if (leaderStart is null || leaderStart == f[3])
                {
                    if (AnyInGroup(group))
                    {
                        KillGroup(group);
                        reaped++;
                    }
                }
            }
            Forget(file);
        }
        return reaped;
    }

    private static bool AnyInGroup(int group)
    {
        foreach (var d in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            if (StatField(pid, 5) == group.ToString(CultureInfo.InvariantCulture)) return true;
        }
        return false;
    }

    /// <summary>A process's start time in clock ticks since boot (field 22 of /proc/PID/stat), or null when it does not exist.</summary>
    public static string? StartTime(int pid) => StatField(pid, 22);

    private static string? StatField(int pid, int field)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            var fields = stat[(close + 2)..].Split(' ');
            return fields.Length > field - 3 ? fields[field - 3] : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
