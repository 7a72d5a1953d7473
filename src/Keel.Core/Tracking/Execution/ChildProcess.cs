using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Keel.Tracking.Execution;

/// <summary>A command started with posix_spawnp, stdin inherited, stdout and stderr on pipes.</summary>
internal sealed unsafe class ChildProcess
{
    private ChildProcess(int pid, Stream stdout, Stream stderr)
    {
        Pid = pid;
        StandardOutput = stdout;
        StandardError = stderr;
    }

    public int Pid { get; }

    public Stream StandardOutput { get; }

    public Stream StandardError { get; }

    public static ChildProcess Start(IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> environment)
    {
        if (!OperatingSystem.IsLinux()) throw new KeelException("keel exec runs commands on Linux only for now");
        var outPipe = stackalloc int[2];
        var errPipe = stackalloc int[2];
        if (LinuxSpawn.pipe2(outPipe, LinuxSpawn.OCloexec) != 0 || LinuxSpawn.pipe2(errPipe, LinuxSpawn.OCloexec) != 0)
            throw new IOException($"pipe2 failed: errno {Marshal.GetLastPInvokeError()}");
        var actions = NativeMemory.AllocZeroed(256);
        var strings = new List<nint>();
        try
        {
            LinuxSpawn.posix_spawn_file_actions_init(actions);
            LinuxSpawn.posix_spawn_file_actions_adddup2(actions, outPipe[1], 1);
            LinuxSpawn.posix_spawn_file_actions_adddup2(actions, errPipe[1], 2);
            var args = (byte**)NativeMemory.AllocZeroed((nuint)(argv.Count + 1), (nuint)sizeof(byte*));
            var envp = (byte**)NativeMemory.AllocZeroed((nuint)(environment.Count + 1), (nuint)sizeof(byte*));
            try
            {
                for (var i = 0; i < argv.Count; i++) args[i] = Utf8(argv[i], strings);
                var j = 0;
                foreach (var (k, v) in environment) envp[j++] = Utf8($"{k}={v}", strings);
                int pid;
                var rc = LinuxSpawn.posix_spawnp(&pid, args[0], actions, null, args, envp);
                if (rc != 0)
                {
                    foreach (var fd in new[] { outPipe[0], outPipe[1], errPipe[0], errPipe[1] }) LinuxSpawn.close(fd);
                    throw rc == 2
                        ? new KeelException($"command not found: '{argv[0]}'", 127)
                        : new KeelException($"cannot start '{argv[0]}': error {rc} ({Marshal.GetPInvokeErrorMessage(rc)})", 126);
                }
                LinuxSpawn.close(outPipe[1]);
                LinuxSpawn.close(errPipe[1]);
                return new ChildProcess(pid, Reader(outPipe[0]), Reader(errPipe[0]));
            }
            finally
            {
                NativeMemory.Free(args);
                NativeMemory.Free(envp);
            }
        }
        finally
        {
            LinuxSpawn.posix_spawn_file_actions_destroy(actions);
            NativeMemory.Free(actions);
            foreach (var s in strings) Marshal.FreeCoTaskMem(s);
        }
    }

    /// <summary>Blocks (on a dedicated thread) until the child exits, then returns its status and resource use.</summary>
    public Task<ChildExit> WaitAsync() => Task.Factory.StartNew(Wait, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Sends a signal to the child (e.g. to forward SIGTERM).</summary>
    public void Signal(int signal) => LinuxSpawn.kill(Pid, signal);

    private ChildExit Wait()
    {
        int status;
        LinuxSpawn.Rusage usage;
        while (true)
        {
            var rc = LinuxSpawn.wait4(Pid, &status, 0, &usage);
            if (rc == Pid) break;
            var errno = Marshal.GetLastPInvokeError();
            if (rc == -1 && errno == LinuxSpawn.Eintr) continue;
            throw new IOException($"wait4({Pid}) failed: errno {errno}");
        }
        var termSignal = status & 0x7f;
        var cpu = usage.UserSeconds + usage.SystemSeconds + ((usage.UserMicroseconds + usage.SystemMicroseconds) / 1e6);
        var peak = usage.MaxRssKilobytes * 1024;
        return termSignal == 0
            ? new ChildExit((status >> 8) & 0xff, null, cpu, peak)
            : new ChildExit(128 + termSignal, termSignal, cpu, peak);
    }

    private static byte* Utf8(string s, List<nint> owned)
    {
        var p = Marshal.StringToCoTaskMemUTF8(s);
        owned.Add(p);
        return (byte*)p;
    }

    private static FileStream Reader(int fd) => new(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, bufferSize: 0);

    internal static string Describe(IReadOnlyList<string> argv)
    {
        var sb = new StringBuilder();
        foreach (var a in argv)
        {
            if (sb.Length > 0) sb.Append(' ');
            sb.Append(a.Length > 0 && a.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:@%+,".Contains(c)) ? a : "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'");
        }
        return sb.ToString();
    }
}
