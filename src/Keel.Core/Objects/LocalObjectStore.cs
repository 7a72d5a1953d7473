namespace Keel.Objects;

/// <summary>
/// Objects as read-only files under <c>ab/cdef…</c>. Every write goes to a temp file in
/// <c>tmp/</c> and is renamed into place, so a kill never leaves a partial object under a digest.
/// Writers hold <c>lock</c> shared and gc holds it exclusive (<see cref="StoreLock"/>), so gc
/// never deletes an object a writer has found or stored and not yet committed.
/// </summary>
internal sealed class LocalObjectStore : IObjectStore, INamedObjects, IWriterExclusion, IDisposable
{
    private const UnixFileMode ReadOnly = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly string _root;
    private readonly string _tmp;
    private readonly TimeProvider _time;
    private readonly StoreLock _lock;
    private readonly TempOwners _temps;
    private readonly WriterScopes _writers;
    private bool _swept;

    public LocalObjectStore(string root, TimeProvider? time = null)
    {
        _root = root;
        _tmp = Path.Combine(root, "tmp");
        _time = time ?? TimeProvider.System;
        _lock = new StoreLock(root);
        _temps = new TempOwners(_tmp);
        _writers = new WriterScopes(Announce, _lock.ReleaseShared);
    }

    private void Announce()
    {
        _lock.AcquireShared();
        if (_swept) return;
        _swept = true;
        _temps.RemoveAbandoned();
    }

    public IDisposable BeginWrites() => _writers.Begin();

    public IDisposable ExcludeWriters(TimeSpan wait, CancellationToken cancellationToken)
    {
        _writers.Dispose();
        var held = _lock.AcquireExclusive(wait, cancellationToken);
        var excluding = _writers.Excluding();
        return new Both(excluding, held);
    }

    private sealed class Both(IDisposable first, IDisposable second) : IDisposable
    {
        public void Dispose()
        {
            first.Dispose();
            second.Dispose();
        }
    }

    public string Root => _root;

    public string PathOf(Digest digest) => Path.Combine(_root, digest.Hex[..2], digest.Hex[2..]);

    /// <summary>An existence check is a writer's decision not to store: it announces the writer too.</summary>
    public bool Contains(Digest digest)
    {
        _writers.EnsureAnnounced();
        return File.Exists(PathOf(digest));
    }

    /// <summary>
    /// The object is already stored: it gets a fresh ctime for gc's grace period as well. One
    /// of another size than the bytes being stored (truncated, replaced) is not: it is moved
    /// aside to <see cref="DamagedDir"/> and stored again.
    /// </summary>
    private bool AlreadyStored(string final, long size)
    {
        var info = new FileInfo(final);
        if (!info.Exists) return false;
        if (info.Length != size)
        {
            MoveAsideFile(final);
            return false;
        }
        NativeTouch.ChangeTime(final);
        return true;
    }

    private void MoveAsideFile(string final)
    {
        try
        {
            File.Move(final, NewAsidePath(Path.GetFileName(Path.GetDirectoryName(final)) + Path.GetFileName(final)));
        }
        catch (FileNotFoundException)
        {
            // Another writer moved it first.
        }
    }

    public bool Put(Digest digest, ReadOnlySpan<byte> bytes)
    {
        _writers.EnsureAnnounced();
        var final = PathOf(digest);
        if (AlreadyStored(final, bytes.Length)) return false;
        if (NativeFile.IsAvailable && ReferenceEquals(_time, TimeProvider.System) && PutUnnamed(final, bytes) is { } stored)
        {
            if (!stored) NativeTouch.ChangeTime(final);
            return stored;
        }
        var temp = NewTempPath();
        try
        {
            if (NativeFile.IsAvailable)
            {
                var fd = NativeFile.CreateNew(temp, (int)ReadOnly);
                try
                {
                    NativeFile.WriteAll(fd, bytes, temp);
                }
                finally
                {
                    NativeFile.Close(fd);
                }
            }
            else
            {
                using var stream = CreateTemp(temp);
                stream.Write(bytes);
            }
            return Publish(temp, final, written: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Linux: write an unnamed file (O_TMPFILE) in the object's own folder and link it under its
    /// name. One directory change instead of a create in tmp/ and a cross-folder rename (which
    /// serialises on the file system's rename lock), an atomic no-replace, and a kill leaves
    /// nothing behind. Null where unsupported: the caller uses a temp file.
    /// </summary>
    private bool? PutUnnamed(string final, ReadOnlySpan<byte> bytes)
    {
        EnsurePrefixDirectory(final);
        var fd = NativeFile.CreateUnnamed(Path.GetDirectoryName(final)!, (int)ReadOnly);
        if (fd < 0) return null;
        try
        {
            NativeFile.WriteAll(fd, bytes, final);
            return NativeFile.LinkUnnamed(fd, final);
        }
        finally
        {
            NativeFile.Close(fd);
        }
    }

    public bool PutFile(Digest digest, string sourcePath)
    {
        _writers.EnsureAnnounced();
        var final = PathOf(digest);
        if (AlreadyStored(final, new FileInfo(sourcePath).Length)) return false;
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

    /// <summary>
    /// A new temp file, created read-only: the handle can still write it, and publishing then
    /// needs no chmod. Its mtime is the time it was written, which gc's grace period reads.
    /// </summary>
    public static FileStream CreateTemp(string temp)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0 };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = ReadOnly;
        return new FileStream(temp, options);
    }

    /// <summary>
    /// Moves a complete temp file into place; false when the object was already there. The hash
    /// is the caller's responsibility. <paramref name="written"/> says the temp file came from
    /// <see cref="CreateTemp"/> (already read-only, mtime already now), not from a copy.
    /// </summary>
    public bool Publish(string temp, string final, bool written = false, bool keepTimes = false)
    {
        _writers.EnsureAnnounced();
        if (!written && !OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, ReadOnly);
        // A copy keeps its source's mtime; gc's grace period needs the time it was stored. A
        // hard link keeps the user's mtime (StoredAt reads the ctime the link moved instead).
        if (!keepTimes && (!written || !ReferenceEquals(_time, TimeProvider.System))) File.SetLastWriteTimeUtc(temp, _time.GetUtcNow().UtcDateTime);
        EnsurePrefixDirectory(final);
        // An object of another size under this name is damaged: aside, so these bytes take its place.
        if (new FileInfo(final) is { Exists: true } existing && existing.Length != new FileInfo(temp).Length) MoveAsideFile(final);
        bool moved;
        try
        {
            moved = NativeRename.TryMoveNoReplace(temp, final);
        }
        catch (IOException) when (File.Exists(final))
        {
            moved = false;
        }
        // Another process stored the same bytes first; identical content, nothing lost.
        if (!moved)
        {
            TryDelete(temp);
            NativeTouch.ChangeTime(final);
        }
        return moved;
    }

    /// <summary>
    /// Stores a file the caller hashed to <paramref name="digest"/> as a hard link, made
    /// read-only. Null when this file system cannot link it (the caller copies instead); false
    /// when the object was already stored; throws <see cref="FileChangedException"/> when the
    /// file no longer has <paramref name="expected"/>'s size, mtime and inode.
    /// </summary>
    public bool? PutHardLinked(Digest digest, string sourcePath, FileStat expected)
    {
        _writers.EnsureAnnounced();
        var final = PathOf(digest);
        if (AlreadyStored(final, expected.Size)) return false;
        var temp = NewTempPath();
        try
        {
            if (!NativeLink.TryHardLink(sourcePath, temp)) return null;
            if (FileStat.Of(temp) is not { } now || !now.SameBytesAs(expected))
                throw new FileChangedException();
            // Read-only for everyone, keeping the executable bits: this is the user's file too.
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(temp, ReadOnly | ((UnixFileMode)expected.Mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)));
            return Publish(temp, final, written: true, keepTimes: true);
        }
        finally
        {
            if (File.Exists(temp)) TryDelete(temp);
        }
    }

    // Set after the first clone this file system refused: later files go straight to a copy
    // instead of paying a create, an ioctl and a delete each.
    private volatile bool _cannotClone;

    /// <summary>
    /// A copy-on-write clone (FICLONE) of <paramref name="sourcePath"/> as a new read-only temp
    /// file in <c>tmp/</c>, ready for <see cref="Publish"/> with <c>written: true</c> (its mtime is
    /// now); null where the file system cannot clone (ext4, tmpfs, another file system than the
    /// store's). The clone shares the source's blocks but none of its page cache: hash the
    /// source, then check it did not change since <paramref name="expected"/>.
    /// </summary>
    public string? TryCloneToTemp(string sourcePath, FileStat expected)
    {
        if (_cannotClone) return null;
        var temp = NewTempPath();
        if (NativeLink.TryClone(sourcePath, temp, expected)) return temp;
        _cannotClone = true;
        return null;
    }

    /// <summary>A new temp file name in this process's own folder under <c>tmp/</c> (<see cref="TempOwners"/>).</summary>
    public string NewTempPath()
    {
        _writers.EnsureAnnounced();
        return Path.Combine(_temps.Own(), Guid.NewGuid().ToString("N"));
    }

    /// <summary>A new empty folder under <c>tmp/</c> for files that may become objects by <see cref="Publish"/> (a rename, same file system).</summary>
    public string NewStagingFolder(string purpose)
    {
        _writers.EnsureAnnounced();
        return Directory.CreateDirectory(Path.Combine(_temps.Own(), $"{purpose}-{Guid.NewGuid():N}")).FullName;
    }

    // Which of the 256 prefix folders this process has seen exist: one mkdir per folder, not per object.
    private readonly bool[] _prefixExists = new bool[256];

    private void EnsurePrefixDirectory(string final)
    {
        var dir = Path.GetDirectoryName(final)!;
        var name = Path.GetFileName(dir);
        if (name.Length == 2 && int.TryParse(name, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var prefix))
        {
            if (_prefixExists[prefix]) return;
            Directory.CreateDirectory(dir);
            _prefixExists[prefix] = true;
            return;
        }
        Directory.CreateDirectory(dir);
    }

    public Stream OpenRead(Digest digest)
    {
        try
        {
            return new VerifyingStream(new FileStream(PathOf(digest), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan), digest);
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
        VerifiedCopy.Copy(PathOf(digest), digest, destination);
        // The user's copy is theirs to edit, whatever their umask.
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(destination, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    /// <summary>Hashes a stored object where it lies: for callers that hand its file on (to the kernel, to a remote) rather than read it through <see cref="OpenRead"/>.</summary>
    public void Verify(Digest digest) => VerifiedCopy.Check(PathOf(digest), digest);

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

    /// <summary>Where <c>keel fsck --repair</c> keeps damaged objects: out of the store's listing, never read as objects, left for the user to inspect.</summary>
    public string DamagedDir => Path.Combine(_root, "damaged");

    /// <summary>
    /// True when the object is stored with this size: one stat, like <see cref="Contains"/> (and
    /// announcing the writer too), that also catches a truncated or replaced object. A flipped
    /// byte needs a re-hash: that is fsck's work.
    /// </summary>
    public bool ContainsWithSize(Digest digest, long size)
    {
        _writers.EnsureAnnounced();
        var info = new FileInfo(PathOf(digest));
        return info.Exists && info.Length == size;
    }

    /// <summary>
    /// Moves a damaged object out of the store into <see cref="DamagedDir"/> (one rename): readers
    /// then see it missing, and <c>keel add</c> or a pull stores it again. The path it went to, or
    /// null when it was not there.
    /// </summary>
    public string? MoveAside(Digest digest)
    {
        _writers.EnsureAnnounced();
        var final = PathOf(digest);
        if (!File.Exists(final)) return null;
        var aside = NewAsidePath(digest.Hex);
        try
        {
            File.Move(final, aside);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        return aside;
    }

    /// <summary>
    /// Puts a verified temp file (from <see cref="NewTempPath"/>, hashed to
    /// <paramref name="digest"/> by the caller) in place of a damaged or missing object, keeping
    /// any damaged bytes in <see cref="DamagedDir"/> (a hard link, else a copy) first. The name is
    /// replaced by one rename: at every instant it holds the old bytes or the new ones, so a kill
    /// leaves the store no worse. Returns where the damaged bytes were kept, or null.
    /// </summary>
    public string? ReplaceDamaged(Digest digest, string verifiedTemp)
    {
        _writers.EnsureAnnounced();
        var final = PathOf(digest);
        string? aside = null;
        if (File.Exists(final))
        {
            aside = NewAsidePath(digest.Hex);
            if (!NativeLink.TryHardLink(final, aside)) File.Copy(final, aside);
        }
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(verifiedTemp, ReadOnly);
        File.SetLastWriteTimeUtc(verifiedTemp, _time.GetUtcNow().UtcDateTime);
        EnsurePrefixDirectory(final);
        File.Move(verifiedTemp, final, overwrite: true);
        return aside;
    }

    private string NewAsidePath(string hex)
    {
        Directory.CreateDirectory(DamagedDir);
        var path = Path.Combine(DamagedDir, hex);
        for (var n = 1; File.Exists(path); n++) path = Path.Combine(DamagedDir, $"{hex}.{n}");
        return path;
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
        if (!info.Exists) return null;
        var at = new DateTimeOffset(info.LastWriteTimeUtc);
        // A hard-linked object keeps the user's file's old mtime; the link itself moved its ctime.
        if (info.LinkTarget is null && NativeStat.IsAvailable && NativeStat.ChangedAtNs(info.FullName) is { } ns && ns / 100 > (at - DateTimeOffset.UnixEpoch).Ticks)
        {
            var changed = DateTimeOffset.UnixEpoch.AddTicks(ns / 100);
            if (changed <= _time.GetUtcNow()) at = changed;
        }
        return at;
    }

    public void PutNamed(string name, ReadOnlySpan<byte> bytes)
    {
        _writers.EnsureAnnounced();
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

    /// <summary>Removes the temp folders of processes that are gone (<see cref="TempOwners"/>); how many files they held.</summary>
    public int RemoveAbandonedTemps() => _temps.RemoveAbandoned();

    /// <summary>
    /// Loose temp files of older Keel versions, which name no owner (staging folders included),
    /// with their age; the per-process folders are left to <see cref="RemoveAbandonedTemps"/>.
    /// </summary>
    public IEnumerable<FileInfo> TempFiles()
    {
        if (!Directory.Exists(_tmp)) return [];
        var tmp = new DirectoryInfo(_tmp);
        return tmp.EnumerateFiles().Concat(tmp.EnumerateDirectories()
            .Where(d => !d.Name.StartsWith(TempOwners.Prefix, StringComparison.Ordinal))
            .SelectMany(d => d.EnumerateFiles("*", SearchOption.AllDirectories)));
    }

    /// <summary>
    /// Removes the staging folders under <c>tmp/</c> that killed processes left empty (gc, after
    /// their files went); one changed after <paramref name="cutoff"/> may belong to a running
    /// command, unless it is one gc itself just emptied (<paramref name="emptied"/>).
    /// </summary>
    public void RemoveEmptyTempFolders(DateTimeOffset cutoff, IReadOnlySet<string> emptied)
    {
        if (!Directory.Exists(_tmp)) return;
        var cleared = new HashSet<string>(emptied, StringComparer.Ordinal);
        // Deepest first, so a folder whose subfolders all went counts as emptied by gc too.
        var legacy = Directory.EnumerateDirectories(_tmp).Where(d => !Path.GetFileName(d).StartsWith(TempOwners.Prefix, StringComparison.Ordinal));
        foreach (var dir in legacy.SelectMany(d => Directory.EnumerateDirectories(d, "*", SearchOption.AllDirectories).Append(d)).OrderByDescending(d => d.Length).ToList())
        {
            try
            {
                var old = cleared.Contains(dir) || Directory.GetLastWriteTimeUtc(dir) <= cutoff.UtcDateTime;
                if (!old || Directory.EnumerateFileSystemEntries(dir).Any()) continue;
                Directory.Delete(dir);
                cleared.Add(Path.GetDirectoryName(dir)!);
            }
            catch (IOException)
            {
                // Another process just staged into it.
            }
        }
    }

    /// <summary>Lets go of the writer lock and removes this process's temp folder: after the caller's metadata commit.</summary>
    public void Dispose()
    {
        _temps.Dispose();
        _writers.Dispose();
    }

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
