using System.Buffers;

namespace Keel.Objects;

/// <summary>BLAKE3-256 over bytes and files. Large files are mapped and hashed on every core.</summary>
internal static class ContentHasher
{
    /// <summary>Files at least this large are hashed with BLAKE3's parallel tree mode.</summary>
    public const long ParallelThreshold = 4 << 20;

    private const int SliceBytes = 256 << 20;

    private const int ReadSliceBytes = 16 << 20;

    /// <summary>
    /// A process hashes inputs below this size with the precompiled scalar code until it has
    /// hashed enough to pay for compiling the SIMD code (see <see cref="Blake3Kernels.ColdSimdMin"/>).
    /// </summary>
    public const int ScalarThreshold = Blake3Kernels.ColdSimdMin;

    public static Digest Hash(ReadOnlySpan<byte> bytes) => Hash(bytes, preferSimd: false);

    /// <summary>
    /// <paramref name="preferSimd"/>: the caller hashes enough in all to pay for the SIMD code's
    /// one-time compile, so small inputs should take the faster path from the start.
    /// </summary>
    public static Digest Hash(ReadOnlySpan<byte> bytes, bool preferSimd) =>
        Hash(bytes, preferSimd && bytes.Length >= Blake3Kernels.WarmSimdMin ? Blake3Kernels.Best : Blake3Kernels.For(bytes.Length));

    /// <summary>Hashes with the given kernel (tests check the kernels against each other with it).</summary>
    internal static Digest Hash(ReadOnlySpan<byte> bytes, Blake3Kernel kernel)
    {
        Span<byte> hash = stackalloc byte[32];
        if (kernel == Blake3Kernel.Scalar) Blake3Scalar.Hash(bytes, hash);
        else Blake3Tree.Hash(kernel, bytes, parallel: bytes.Length >= ParallelThreshold, hash);
        return Digest.FromBytes(hash);
    }

    /// <summary>Hashes a file of any size; large ones through a read-only memory map.</summary>
    public static Digest HashFile(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var length = RandomAccess.GetLength(handle);
        if (length < ParallelThreshold) return HashSmall(handle, length);
        return HashMapped(path, length);
    }

    private static Digest HashSmall(Microsoft.Win32.SafeHandles.SafeFileHandle handle, long length)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(length, 1));
        try
        {
            var read = ReadFully(handle, buffer.AsSpan(0, (int)length));
            return Hash(buffer.AsSpan(0, read));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static int ReadFully(Microsoft.Win32.SafeHandles.SafeFileHandle handle, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = RandomAccess.Read(handle, buffer[total..], total);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    private static unsafe Digest HashMapped(string path, long length)
    {
        using var map = ReadMap.OfFile(path, length);
        if (map is null) return HashRead(path, length);
        Diagnostics.Trace($"hashing {length} bytes (mapped)");
        var hasher = new Blake3Hasher(Blake3Kernels.Best);
        for (long offset = 0; offset < length; offset += SliceBytes)
        {
            var count = (int)Math.Min(SliceBytes, length - offset);
            hasher.UpdateParallel(new ReadOnlySpan<byte>(map.Start + offset, count));
        }
        Span<byte> hash = stackalloc byte[32];
        hasher.Finalize(hash);
        Diagnostics.Trace($"hashed {length} bytes (mapped)");
        return Digest.FromBytes(hash);
    }

    /// <summary>
    /// Reads and hashes up to <paramref name="length"/> bytes (16 MiB at a time, each hashed on
    /// every core): for a file that cannot be mapped safely. A file that shrinks gives fewer
    /// bytes, which the caller's stat check catches; it never faults.
    /// </summary>
    private static Digest HashRead(string path, long length)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var buffer = ArrayPool<byte>.Shared.Rent(ReadSliceBytes);
        try
        {
            var hasher = new Blake3Hasher(Blake3Kernels.Best);
            for (long offset = 0; offset < length;)
            {
                var n = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(ReadSliceBytes, length - offset)), offset);
                if (n == 0) break;
                if (n >= ParallelThreshold) hasher.UpdateParallel(buffer.AsSpan(0, n));
                else hasher.Update(buffer.AsSpan(0, n));
                offset += n;
            }
            Span<byte> hash = stackalloc byte[32];
            hasher.Finalize(hash);
            return Digest.FromBytes(hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
