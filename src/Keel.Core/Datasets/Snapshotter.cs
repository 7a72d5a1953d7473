using System.Buffers;
using Keel.Objects;
using Keel.Workspaces;

namespace Keel.Datasets;

/// <summary>
/// Hashes files (both cores: small files in parallel, large ones through BLAKE3's tree mode)
/// and optionally stores them, trusting the stat cache for files whose stat is unchanged.
/// A file that changes while it is read is retried, then refused.
/// </summary>
internal sealed class Snapshotter(Workspace workspace, IProgress<long>? progress = null)
{
    private const int Attempts = 3;

    private long _hashedBytes;
    private int _hashedFiles;

    public long HashedBytes => _hashedBytes;

    public int HashedFiles => _hashedFiles;

    /// <summary>Digests (and with <paramref name="store"/>, stores) every file; entries keep the input order.</summary>
    public ManifestEntry[] Snapshot(IReadOnlyList<ScannedFile> files, bool store)
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
            if (cached is { } d && (!store || workspace.Objects.Contains(d)))
            {
                results[i] = new ManifestEntry(files[i].Relative, st.Size, ModeOf(st), d);
                progress?.Report(st.Size);
                continue;
            }
            (st.Size >= ContentHasher.ParallelThreshold ? large : small).Add(i);
        }

        Parallel.ForEach(
            small,
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            i => (results[i], stats[i]) = Guard(files[i], () => SnapshotSmall(files[i], store)));
        foreach (var i in large)
            (results[i], stats[i]) = Guard(files[i], () => SnapshotLarge(files[i], store));

        for (var i = 0; i < files.Count; i++)
            workspace.StatCache.Record(files[i].Relative, stats[i], results[i].Digest);
        return results;
    }

    private (ManifestEntry, FileStat) SnapshotSmall(ScannedFile file, bool store)
    {
        for (var attempt = 1; ; attempt++)
        {
            var before = FileStat.Of(file.Full) ?? throw Vanished(file);
            using var handle = File.OpenHandle(file.Full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(before.Size + 1, 1));
            try
            {
                // Read one byte past the expected size: growth shows up even if the stat races.
                var read = ContentHasher.ReadFully(handle, buffer.AsSpan(0, (int)before.Size + 1));
                var after = FileStat.Of(file.Full) ?? throw Vanished(file);
                if (read != before.Size || after != before)
                {
                    if (attempt < Attempts) continue;
                    throw ChangedWhileHashing(file);
                }
                var bytes = buffer.AsSpan(0, read);
                var digest = ContentHasher.Hash(bytes);
                if (store) workspace.Objects.Put(digest, bytes);
                Count(read);
                return (new ManifestEntry(file.Relative, read, ModeOf(after), digest), after);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private (ManifestEntry, FileStat) SnapshotLarge(ScannedFile file, bool store)
    {
        for (var attempt = 1; ; attempt++)
        {
            var before = FileStat.Of(file.Full) ?? throw Vanished(file);
            Digest digest;
            var newlyStored = false;
            if (store && workspace.Objects is LocalObjectStore local)
            {
                // Copying is bound by write bandwidth, hashing by CPU: do both at once, then
                // publish the copy under the digest only if the file did not change meanwhile.
                var temp = local.NewTempPath();
                try
                {
                    var copy = Task.Run(() => File.Copy(file.Full, temp, overwrite: false));
                    digest = ContentHasher.HashFile(file.Full);
                    copy.GetAwaiter().GetResult();
                    if (FileStat.Of(file.Full) == before) newlyStored = local.Publish(temp, local.PathOf(digest));
                }
                finally
                {
                    if (File.Exists(temp)) File.Delete(temp);
                }
            }
            else
            {
                digest = ContentHasher.HashFile(file.Full);
                newlyStored = store && workspace.Objects.PutFile(digest, file.Full);
            }
            var after = FileStat.Of(file.Full) ?? throw Vanished(file);
            if (after != before)
            {
                // The copy may not match the digest: drop it before anyone can rely on it.
                if (newlyStored) workspace.Objects.Delete(digest);
                if (attempt < Attempts) continue;
                throw ChangedWhileHashing(file);
            }
            Count(after.Size);
            return (new ManifestEntry(file.Relative, after.Size, ModeOf(after), digest), after);
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
