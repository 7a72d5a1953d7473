using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Keel.Objects;

/// <summary>
/// A read-only map of a file's first bytes. On linux-x64 a plain <c>mmap</c> (no framework
/// handle, so none of its flock-based sharing locks), taken down on a pool thread: unmapping a
/// GiB is 10 to 20 ms of page-table work the caller need not wait for once it has read the
/// bytes, and a process that exits first has the kernel do it. Elsewhere the framework's memory-mapped file,
/// disposed at once.
/// </summary>
internal sealed unsafe partial class ReadMap : IDisposable
{
    private const int ProtRead = 1;
    private const int MapShared = 1;

    private readonly long _length;
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private byte* _start;
    private int _leaseFd = -1;

    private ReadMap(byte* start, long length, MemoryMappedFile? map, MemoryMappedViewAccessor? view)
    {
        _start = start;
        _length = length;
        _map = map;
        _view = view;
    }

    public byte* Start => _start;

    /// <summary>
    /// Maps the first <paramref name="length"/> bytes of the file at <paramref name="path"/>
    /// under a read lease (<see cref="NativeFile.TryReadLease"/>), held until <see cref="Dispose"/>:
    /// a file truncated under a map would kill the reader (SIGBUS). Null when no lease can be
    /// had: the caller reads the file instead.
    /// </summary>
    public static ReadMap? OfFile(string path, long length)
    {
        if (!NativeFile.IsAvailable)
            return OfMap(MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read), length);
        var fd = NativeFile.OpenRead(path);
        try
        {
            if (!NativeFile.TryReadLease(fd)) return null;
            var map = new ReadMap(MapFd(fd, length, path), length, null, null) { _leaseFd = fd };
            fd = -1;
            return map;
        }
        finally
        {
            if (fd >= 0) NativeFile.Close(fd);
        }
    }

    /// <summary>Maps the first <paramref name="length"/> bytes of an open file; the handle stays the caller's.</summary>
    public static ReadMap OfHandle(SafeFileHandle handle, long length, string path)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (!NativeFile.IsAvailable)
            return OfMap(MemoryMappedFile.CreateFromFile(handle, null, length, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true), length);
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return new ReadMap(MapFd((int)handle.DangerousGetHandle(), length, path), length, null, null);
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    private static ReadMap OfMap(MemoryMappedFile map, long length)
    {
        MemoryMappedViewAccessor? view = null;
        try
        {
            view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            byte* start = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
            return new ReadMap(start + view.PointerOffset, length, map, view);
        }
        catch
        {
            view?.Dispose();
            map.Dispose();
            throw;
        }
    }

    private static byte* MapFd(int fd, long length, string path)
    {
        var start = Mmap(null, (nuint)length, ProtRead, MapShared, fd, 0);
        if (start == (void*)-1)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot map '{path}' (errno {errno})", errno);
        }
        return (byte*)start;
    }

    public void Dispose()
    {
        if (_start is null) return;
        // The bytes have been read: let a waiting writer go.
        if (_leaseFd >= 0) NativeFile.Close(_leaseFd);
        _leaseFd = -1;
        if (_map is null)
        {
            var (start, length) = ((nint)_start, (nuint)_length);
            ThreadPool.UnsafeQueueUserWorkItem(static s => Munmap((void*)s.start, s.length), (start, length), preferLocal: false);
        }
        else
        {
            _view!.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _map.Dispose();
        }
        _start = null;
    }

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial void* Mmap(void* address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", EntryPoint = "munmap")]
    private static partial int Munmap(void* address, nuint length);
}
