namespace Keel.Objects;

/// <summary>
/// Objects as read-only files under <c>ab/cdef…</c>. Every write goes to a temp file in
/// <c>tmp/</c> and is renamed into place, so a kill never leaves a partial object under a digest.
/// </summary>
internal sealed class LocalObjectStore : IObjectStore, INamedObjects
{
    private const UnixFileMode ReadOnly = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly string _root;
    private readonly string _tmp;
    private readonly TimeProvider _time;

    public LocalObjectStore(string root, TimeProvider? time = null)
    {
        _root = root;
        _tmp = Path.Combine(root, "tmp");
        _time = time ?? TimeProvider.System;
    }

    public string Root => _root;

    public string PathOf(Digest digest) => Path.Combine(_root, digest.Hex[..2], digest.Hex[2..]);

    public bool Contains(Digest digest) => File.Exists(PathOf(digest));

    public bool Put(Digest digest, ReadOnlySpan<byte> bytes)
    {
        var final = PathOf(digest);
        if (File.Exists(final)) return false;
        var temp = NewTempPath();
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None))
            {
                stream.Write(bytes);
            }
            return Publish(temp, final);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public bool PutFile(Digest digest, string sourcePath)
    {
        var final = PathOf(digest);
        if (File.Exists(final)) return false;
        var temp = NewTempPath();
        try
        {
            File.Copy(sourcePath, temp, overwrite: false);
            return Publish(temp, final);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Moves a complete temp file into place. The hash is the caller's responsibility.</summary>
    public bool Publish(string temp, string final)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, ReadOnly);
        // A copy keeps its source's mtime; gc's grace period needs the time it was stored.
        File.SetLastWriteTimeUtc(temp, _time.GetUtcNow().UtcDateTime);
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        try
        {
            File.Move(temp, final, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(final))
        {
            // Another process stored the same bytes first; identical content, nothing lost.
            TryDelete(temp);
            return false;
        }
    }

    public string NewTempPath()
    {
        Directory.CreateDirectory(_tmp);
        return Path.Combine(_tmp, $"{Environment.ProcessId}-{Guid.NewGuid():N}");
    }

    /// <summary>A new empty folder under <c>tmp/</c> for files that may become objects by <see cref="Publish"/> (a rename, same file system).</summary>
    public string NewStagingFolder(string purpose) =>
        Directory.CreateDirectory(Path.Combine(_tmp, $"{purpose}-{Environment.ProcessId}-{Guid.NewGuid():N}")).FullName;

    public Stream OpenRead(Digest digest)
    {
        try
        {
            return new FileStream(PathOf(digest), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            throw new ObjectMissingException(digest);
        }
        catch (DirectoryNotFoundException)
        {
            throw new ObjectMissingException(digest);
        }
    }

    public void CopyTo(Digest digest, string destination)
    {
        var source = PathOf(digest);
        if (!File.Exists(source)) throw new ObjectMissingException(digest);
        File.Copy(source, destination, overwrite: true);
        // The copy inherits the store's read-only mode; the user's copy is theirs to edit.
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(destination, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    public long? SizeOf(Digest digest)
    {
        var info = new FileInfo(PathOf(digest));
        return info.Exists ? info.Length : null;
    }

    public IEnumerable<Digest> List()
    {
        if (!Directory.Exists(_root)) yield break;
        foreach (var dir in Directory.EnumerateDirectories(_root))
        {
            var prefix = Path.GetFileName(dir);
            if (prefix.Length != 2) continue;
            foreach (var file in Directory.EnumerateFiles(dir))
            {
                if (Digest.TryParse(Digest.Prefix + prefix + Path.GetFileName(file), out var digest))
                    yield return digest;
            }
        }
    }

    public bool Delete(Digest digest)
    {
        var path = PathOf(digest);
        if (!File.Exists(path)) return false;
        File.Delete(path);
        return true;
    }

    public DateTimeOffset? StoredAt(Digest digest)
    {
        var info = new FileInfo(PathOf(digest));
        return info.Exists ? new DateTimeOffset(info.LastWriteTimeUtc) : null;
    }

    public void PutNamed(string name, ReadOnlySpan<byte> bytes)
    {
        var final = NamedPath(name);
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        var temp = NewTempPath();
        File.WriteAllBytes(temp, bytes.ToArray());
        File.Move(temp, final, overwrite: true);
    }

    public byte[]? GetNamed(string name)
    {
        var path = NamedPath(name);
        return File.Exists(path) ? File.ReadAllBytes(path) : null;
    }

    public bool DeleteNamed(string name)
    {
        var path = NamedPath(name);
        if (!File.Exists(path)) return false;
        File.Delete(path);
        return true;
    }

    private string NamedPath(string name)
    {
        Manifest.ValidatePath(name);
        return Path.Combine(_root, "named", name.Replace('/', Path.DirectorySeparatorChar));
    }

    /// <summary>Temp files left by killed processes (staging folders included), with their age.</summary>
    public IEnumerable<FileInfo> TempFiles() =>
        Directory.Exists(_tmp) ? new DirectoryInfo(_tmp).EnumerateFiles("*", SearchOption.AllDirectories) : [];

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
