using System.Runtime.InteropServices;

namespace Keel.Tracking.Execution;

/// <summary>
/// The libc calls behind <see cref="ChildProcess"/>: posix_spawn with pipes for stdout and
/// stderr, and wait4, which returns the child's resource use (CPU, peak RSS) including its
/// own reaped descendants. The runtime's SIGCHLD handler only reaps children started through
/// System.Diagnostics.Process, so it never steals this one.
/// </summary>
internal static unsafe partial class LinuxSpawn
{
    public const int OCloexec = 0x80000;
    public const int Eintr = 4;

    [StructLayout(LayoutKind.Sequential)]
    public struct Rusage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        public long MaxRssKilobytes;
        public long Ixrss;
        public long Idrss;
        public long Isrss;
        public long Minflt;
        public long Majflt;
        public long Nswap;
        public long Inblock;
        public long Oublock;
        public long Msgsnd;
        public long Msgrcv;
        public long Nsignals;
        public long Nvcsw;
        public long Nivcsw;
    }

    [LibraryImport("libc", SetLastError = true)]
    public static partial int pipe2(int* fds, int flags);

    [LibraryImport("libc")]
    public static partial int posix_spawn_file_actions_init(void* actions);

    [LibraryImport("libc")]
    public static partial int posix_spawn_file_actions_adddup2(void* actions, int fd, int newfd);

    [LibraryImport("libc")]
    public static partial int posix_spawn_file_actions_destroy(void* actions);

    [LibraryImport("libc")]
    public static partial int posix_spawnp(int* pid, byte* file, void* actions, void* attributes, byte** argv, byte** envp);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int wait4(int pid, int* status, int options, Rusage* usage);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int kill(int pid, int signal);
}
