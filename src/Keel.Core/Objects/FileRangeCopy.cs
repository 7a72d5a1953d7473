using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Keel.Objects;

/// <summary>
/// Copies a byte range between two open files inside the kernel (copy_file_range(2)), so the
/// bytes never pass through this process; where the kernel refuses (another OS, a file system
/// that cannot, a pipe) it falls back to pread/pwrite through one buffer.
/// </summary>
internal static partial class FileRangeCopy
{
    private const int ENOSYS = 38;
    private const int EXDEV = 18;
    private const int EINVAL = 22;
    private const int EOPNOTSUPP = 95;
    private const int EBADF = 9;

    /// <summary>Copies <paramref name="length"/> bytes; returns how many were copied (less only when the source ends early).</summary>
    public static long Copy(SafeFileHandle source, long sourceOffset, SafeFileHandle target, long targetOffset, long length)
    {
        long copied = 0;
        if (OperatingSystem.IsLinux())
        {
            while (copied < length)
            {
                var n = KernelCopy(source, sourceOffset + copied, target, targetOffset + copied, length - copied, out var errno);
                if (n > 0)
                {
                    copied += n;
                    continue;
                }
                if (n == 0) return copied;
                if (errno is ENOSYS or EXDEV or EINVAL or EOPNOTSUPP or EBADF) break;
                throw new IOException($"copy_file_range failed (errno {errno})");
            }
        }
        return copied + BufferedCopy(source, sourceOffset + copied, target, targetOffset + copied, length - copied);
    }

    private static long BufferedCopy(SafeFileHandle source, long sourceOffset, SafeFileHandle target, long targetOffset, long length)
    {
        if (length <= 0) return 0;
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(length, 4 << 20));
        try
        {
            long copied = 0;
            while (copied < length)
            {
                var n = RandomAccess.Read(source, buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - copied)), sourceOffset + copied);
                if (n == 0) break;
                RandomAccess.Write(target, buffer.AsSpan(0, n), targetOffset + copied);
                copied += n;
            }
            return copied;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static unsafe long KernelCopy(SafeFileHandle source, long sourceOffset, SafeFileHandle target, long targetOffset, long length, out int errno)
    {
        var addedSource = false;
        var addedTarget = false;
        try
        {
            source.DangerousAddRef(ref addedSource);
            target.DangerousAddRef(ref addedTarget);
            long inOffset = sourceOffset;
            long outOffset = targetOffset;
            // One call moves at most ~2 GiB; the loop in Copy asks again for the rest.
            var n = CopyFileRange((int)source.DangerousGetHandle(), &inOffset, (int)target.DangerousGetHandle(), &outOffset, (nuint)Math.Min(length, 1L << 30), 0);
            errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
            return n;
        }
        finally
        {
            if (addedSource) source.DangerousRelease();
            if (addedTarget) target.DangerousRelease();
        }
    }

    [LibraryImport("libc", EntryPoint = "copy_file_range", SetLastError = true)]
    private static unsafe partial nint CopyFileRange(int fdIn, long* offIn, int fdOut, long* offOut, nuint length, uint flags);
}
