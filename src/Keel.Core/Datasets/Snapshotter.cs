using System.Buffers;
using Keel.Objects;
using Keel.Workspaces;

namespace Keel.Datasets;

/// <summary>
/// Hashes files (both cores: small files in parallel, large ones through BLAKE3's tree mode)
/// and optionally stores them, trusting the stat cache for files whose stat is unchanged.
/// A file that changes while it is read is retried, then refused.
/// </summary>
internal sealed class Snapshotter(Workspace workspace, IProgress<long>? progress = null, LinkMode link = LinkMode.Copy)
{
    private const int Attempts = 3;

    private bool _preferSimd;
    private long _hashedBytes;
    private int _hashedFiles;
    private int _storedFiles;

    public long HashedBytes => _hashedBytes;

    public int HashedFiles => _hashedFiles;

    /// <summary>Files whose object was not in the store before (new, or stored again after it went missing).</summary>
    public int StoredFiles => _storedFiles;

    /// <summary>Digests (and with <paramref name="store"/>, stores) every file; entries keep the input order.</summary>
    public ManifestEntry[] Snapshot(IReadOnlyList<ScannedFile> files, bool store) => SnapshotWithStats(files, store).Entries;

    /// <summary>As <see cref="Snapshot"/>, with the stat each file was hashed under.</summary>
    public (ManifestEntry[] Entries, FileStat[] Stats) SnapshotWithStats(IReadOnlyList<ScannedFile> files, bool store)
    {
        var results = new ManifestEntry[files.Count];
        var stats = new FileStat[files.Count];
        var large = new List<int>();
        var small = new List<int>(files.Count);
        for (var i = 0; i < files.Count; i++)
        {
            var st = FileStat.Of(files[i].Full)
                ?? throw new KeelException($"'{files[i].Relative}' disappeared while it was being versioned; retry when nothing is writing to it");
            stats[i] = st;
            var cached = workspace.StatCache.Lookup(files[i].Relative, st);
            if (cached is { } d && (!store || IsStored(d, st.Size)))
            {
                results[i] = new ManifestEntry(files[i].Relative, st.Size, ModeOf(st), d);
                progress?.Report(st.Size);
                continue;
            }
            (st.Size >= ContentHasher.ParallelThreshold ? large : small).Add(i);
        }

        // Enough bytes to pay for compiling the SIMD code once: then every file uses it.
        long smallBytes = 0;
        foreach (var i in small) smallBytes += stats[i].Size;
        _preferSimd = smallBytes >= Blake3Kernels.ScalarBudget;
        Parallel.ForEach(
            small,
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            i => (results[i], stats[i]) = Guard(files[i], () => SnapshotSmall(files[i], store)));
        foreach (var i in large)
            (results[i], stats[i]) = Guard(files[i], () => SnapshotLarge(files[i], store));

        for (var i = 0; i < files.Count; i++)
            workspace.StatCache.Record(files[i].Relative, stats[i], results[i].Digest);
        return (results, stats);
    }

    /// <summary>
    /// Whether the stat cache's answer can stand when storing: the object must be there, and in
    /// a local store with the file's size. A truncated or replaced object is moved aside so the
    /// file is hashed and stored again; a missing one (or one fsck --repair moved aside) is
    /// simply stored again.
    /// </summary>
    private bool IsStored(Digest digest, long size)
    {
        if (workspace.Objects is not LocalObjectStore local) return workspace.Objects.Contains(digest);
        if (local.ContainsWithSize(digest, size)) return true;
        if (local.SizeOf(digest) is not null) local.MoveAside(digest);
        return false;
    }

    private (ManifestEntry, FileStat) SnapshotSmall(ScannedFile file, bool store)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (TryReadSmall(file, store, out var result)) return result;
            if (attempt >= Attempts) throw ChangedWhileHashing(file);
        }
    }

    /// <summary>One attempt: read the whole file, hash it, store it; false if it changed meanwhile.</summary>
    private bool TryReadSmall(ScannedFile file, bool store, out (ManifestEntry, FileStat) result)
    {
        result = default;
        using var open = new OpenFile(file);
        var before = open.Stat() ?? throw Vanished(file);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(before.Size + 1, 1));
        try
        {
            // Read one byte past the expected size: growth shows up even if the stat races.
            var read = open.Read(buffer.AsSpan(0, (int)before.Size + 1));
            var after = open.Stat() ?? throw Vanished(file);
            if (read != before.Size || after != before) return false;
            var bytes = buffer.AsSpan(0, read);
            var digest = ContentHasher.Hash(bytes, _preferSimd);
            if (store)
            {
                bool? linked = null;
                if (link == LinkMode.Hardlink && workspace.Objects is LocalObjectStore local)
                {
                    try
                    {
                        linked = local.PutHardLinked(digest, file.Full, after);
                    }
                    catch (FileChangedException)
                    {
                        return false;
                    }
                }
                if (linked is null)
                {
                    if (workspace.Objects.Put(digest, bytes)) Interlocked.Increment(ref _storedFiles);
                }
                // A new hard link (and the read-only mode) moved the file's ctime: record the
                // stat it has now, or the next status would hash it again.
                else if (linked == true)
                {
                    Interlocked.Increment(ref _storedFiles);
                    if (FileStat.Of(file.Full) is not { } linkedStat || !linkedStat.SameBytesAs(after))
                        return false;
                    after = linkedStat;
                }
            }
            Count(read);
            result = (new ManifestEntry(file.Relative, read, ModeOf(after), digest), after);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// A file open for reading, stat'ed through its descriptor: a plain fd on linux-x64
    /// (<see cref="NativeFile"/>), else a framework handle and stat by path.
    /// </summary>
    private readonly struct OpenFile : IDisposable
    {
        private readonly ScannedFile _file;
        private readonly int _fd;
        private readonly Microsoft.Win32.SafeHandles.SafeFileHandle? _handle;

        public OpenFile(ScannedFile file)
        {
            _file = file;
            _fd = -1;
            if (NativeFile.IsAvailable) _fd = NativeFile.OpenRead(file.Full);
            else _handle = File.OpenHandle(file.Full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }

        public FileStat? Stat() => _handle is null ? NativeFile.Stat(_fd, _file.Full) : FileStat.Of(_file.Full);

        public int Read(Span<byte> buffer) =>
            _handle is null ? NativeFile.ReadFully(_fd, buffer, _file.Full) : ContentHasher.ReadFully(_handle, buffer);

        public void Dispose()
        {
            if (_handle is null) NativeFile.Close(_fd);
            else _handle.Dispose();
        }
    }

    private (ManifestEntry, FileStat) SnapshotLarge(ScannedFile file, bool store)
    {
        for (var attempt = 1; ; attempt++)
        {
            var before = FileStat.Of(file.Full) ?? throw Vanished(file);
            var (digest, newlyStored) = store ? StoreLarge(file, before) : (ContentHasher.HashFile(file.Full), false);
            var after = FileStat.Of(file.Full) ?? throw Vanished(file);
            // Size, mtime and inode: a hard link makes the file read-only, which is no change.
            if (digest.IsEmpty || !after.SameBytesAs(before))
            {
                // The copy may not match the digest: drop it before anyone can rely on it.
                if (newlyStored) workspace.Objects.Delete(digest);
                if (attempt < Attempts) continue;
                throw ChangedWhileHashing(file);
            }
            Count(after.Size);
            if (newlyStored) Interlocked.Increment(ref _storedFiles);
            return (new ManifestEntry(file.Relative, after.Size, ModeOf(before), digest), after);
        }
    }

    /// <summary>Hashes and stores one large file; an empty digest when it changed on the way.</summary>
    private (Digest Digest, bool NewlyStored) StoreLarge(ScannedFile file, FileStat before)
    {
        if (workspace.Objects is not LocalObjectStore local)
        {
            var hashed = ContentHasher.HashFile(file.Full);
            return (hashed, workspace.Objects.PutFile(hashed, file.Full));
        }
        if (link == LinkMode.Hardlink)
        {
            var hashed = ContentHasher.HashFile(file.Full);
            try
            {
                if (local.PutHardLinked(hashed, file.Full, before) is { } stored) return (hashed, stored);
            }
            catch (FileChangedException)
            {
                return (default, false);
            }
            return (hashed, local.PutFile(hashed, file.Full));
        }
        return StoreClone(local, file, before) ?? StoreCopy(local, file, before);
    }

    /// <summary>
    /// A clone where the file system has them: no data written, and the source is hashed from
    /// its page cache (the clone has none). Null where cloning is impossible.
    /// </summary>
    private static (Digest Digest, bool NewlyStored)? StoreClone(LocalObjectStore local, ScannedFile file, FileStat before)
    {
        if (local.TryCloneToTemp(file.Full, before) is not { } clone) return null;
        try
        {
            var digest = ContentHasher.HashFile(file.Full);
            // The clone was taken between the two stats: unchanged size, mtime and inode mean it
            // holds the bytes just hashed.
            if (FileStat.Of(file.Full) is not { } after || !after.SameBytesAs(before))
                return (default, false);
            return (digest, local.Publish(clone, local.PathOf(digest), written: true));
        }
        finally
        {
            if (File.Exists(clone)) File.Delete(clone);
        }
    }

    /// <summary>
    /// Copying is bound by write bandwidth, hashing by CPU: the kernel copies into a
    /// preallocated temp file on a thread of its own while what already landed is hashed, and
    /// the copy is published under the digest of its own bytes only if the file did not change
    /// meanwhile.
    /// </summary>
    private static (Digest Digest, bool NewlyStored) StoreCopy(LocalObjectStore local, ScannedFile file, FileStat before)
    {
        var temp = local.NewTempPath();
        try
        {
            using (var source = File.OpenHandle(file.Full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                var (copied, digest) = RangeHashingCopy.Copy(source, 0, before.Size, temp);
                if (copied != before.Size || FileStat.Of(file.Full) != before) return (default, false);
                return (digest, local.Publish(temp, local.PathOf(digest)));
            }
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private void Count(long bytes)
    {
        Interlocked.Add(ref _hashedBytes, bytes);
        Interlocked.Increment(ref _hashedFiles);
        progress?.Report(bytes);
    }

    private static int ModeOf(FileStat st) => st.IsExecutable ? 0b111_101_101 : 0b110_100_100;

    private static T Guard<T>(ScannedFile file, Func<T> work)
    {
        try
        {
            return work();
        }
        catch (UnauthorizedAccessException)
        {
            throw new KeelException($"permission denied reading '{file.Relative}'; fix its permissions and retry (nothing was recorded)");
        }
        catch (IOException e) when (e.HResult == 28 || e.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase))
        {
            throw new KeelException($"no space left on the device while storing '{file.Relative}'; free some space and retry (nothing was recorded)");
        }
        catch (FileNotFoundException)
        {
            throw Vanished(file);
        }
    }

    private static KeelException Vanished(ScannedFile file) =>
        new($"'{file.Relative}' disappeared while it was being versioned; retry when nothing is writing to it");

    private static KeelException ChangedWhileHashing(ScannedFile file) =>
        new($"'{file.Relative}' kept changing while it was being hashed ({Attempts} attempts); retry when nothing is writing to it (nothing was recorded)");
}
