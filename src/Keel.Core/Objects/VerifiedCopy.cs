using System.Buffers;

namespace Keel.Objects;

/// <summary>
/// Hands a stored object's bytes on only when they still hash to its name, checked in the same
/// pass that copies them: a small object is read once into memory, hashed, and written only if
/// intact; a large one is copied inside the kernel while the copy is hashed through a map
/// (<see cref="RangeHashingCopy"/>), then removed if damaged. Either way nothing damaged is left
/// at the destination, and the check costs no second read of the source.
/// </summary>
internal static class VerifiedCopy
{
    /// <summary>Writes a copy of <paramref name="source"/> (the object <paramref name="digest"/>) at <paramref name="destination"/>, replacing it.</summary>
    public static void Copy(string source, Digest digest, string destination)
    {
        using var handle = OpenOrMissing(source, digest);
        var length = RandomAccess.GetLength(handle);
        if (File.Exists(destination)) File.Delete(destination);
        try
        {
            if (length < ContentHasher.ParallelThreshold)
            {
                CopySmall(handle, (int)length, digest, destination);
                return;
            }
            var (_, actual) = RangeHashingCopy.Copy(handle, 0, length, destination);
            if (actual != digest) throw new ObjectCorruptException(digest, actual);
        }
        catch
        {
            // Never leave damaged or partial bytes where the caller expects the object.
            File.Delete(destination);
            throw;
        }
    }

    /// <summary>Hashes a stored object's file where it lies (for callers that hand the file itself on, e.g. to the kernel).</summary>
    public static void Check(string path, Digest digest)
    {
        if (!File.Exists(path)) throw new ObjectMissingException(digest);
        var actual = ContentHasher.HashFile(path);
        if (actual != digest) throw new ObjectCorruptException(digest, actual);
    }

    private static void CopySmall(Microsoft.Win32.SafeHandles.SafeFileHandle source, int length, Digest digest, string destination)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            var read = ContentHasher.ReadFully(source, buffer.AsSpan(0, length));
            var bytes = buffer.AsSpan(0, read);
            var actual = ContentHasher.Hash(bytes);
            if (actual != digest) throw new ObjectCorruptException(digest, actual);
            using var output = File.OpenHandle(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None, read);
            RandomAccess.Write(output, bytes, 0);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static Microsoft.Win32.SafeHandles.SafeFileHandle OpenOrMissing(string path, Digest digest)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ObjectMissingException(digest);
        }
    }
}
