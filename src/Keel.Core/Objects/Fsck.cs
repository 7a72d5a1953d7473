using Keel.Workspaces;

namespace Keel.Objects;

/// <summary>A damaged object and what refers to it.</summary>
public sealed record DamagedObject(Digest Digest, string Problem, IReadOnlyList<string> ReferencedBy)
{
    /// <summary>Not stored at all (rather than stored with other bytes).</summary>
    public bool Missing => Problem == "missing";
}

/// <summary>What <c>keel fsck</c> found.</summary>
public sealed record FsckReport(int ObjectsChecked, long BytesChecked, IReadOnlyList<DamagedObject> Damaged, int StaleTempFiles)
{
    public bool Healthy => Damaged.Count == 0;
}

/// <summary>Re-hashes every stored object and checks every referenced one is there.</summary>
public sealed class Fsck(Workspace workspace)
{
    public Task<FsckReport> RunAsync(IProgress<long>? progress, CancellationToken cancellationToken) =>
        RunAsync(progress, null, cancellationToken);

    /// <summary>As <see cref="RunAsync(IProgress{long}?, CancellationToken)"/>, without re-hashing the objects in <paramref name="verified"/> (a repair's second look).</summary>
    internal async Task<FsckReport> RunAsync(IProgress<long>? progress, IReadOnlySet<Digest>? verified, CancellationToken cancellationToken)
    {
        var store = workspace.Objects;
        var unreadable = new List<Digest>();
        var owners = await Reachability.ComputeAsync(workspace.Metadata, store, unreadable, cancellationToken).ConfigureAwait(false);
        var damaged = new System.Collections.Concurrent.ConcurrentBag<DamagedObject>();
        var present = store.List().ToHashSet();
        var stored = verified is null ? present.ToList() : present.Where(d => !verified.Contains(d)).ToList();
        long bytes = 0;
        Parallel.ForEach(stored, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken }, d =>
        {
            var actual = HashStored(store, d, out var size);
            Interlocked.Add(ref bytes, size);
            progress?.Report(size);
            if (actual != d)
                damaged.Add(new DamagedObject(d, $"corrupt: its bytes hash to {actual}", owners.GetValueOrDefault(d) ?? []));
        });
        foreach (var (d, by) in owners)
            if (!present.Contains(d)) damaged.Add(new DamagedObject(d, "missing", by));
        var stale = store is LocalObjectStore local ? local.TempFiles().Count() : 0;
        var list = damaged.OrderBy(x => x.Digest).ToList();
        return new FsckReport(stored.Count, bytes, list, stale);
    }

    private static Digest HashStored(IObjectStore store, Digest digest, out long size)
    {
        if (store is LocalObjectStore local)
        {
            var path = local.PathOf(digest);
            size = new FileInfo(path).Length;
            return ContentHasher.HashFile(path);
        }
        size = store.SizeOf(digest) ?? 0;
        try
        {
            // The store's stream hashes as it reads and throws at the end when the bytes do not match.
            using var stream = store.OpenRead(digest);
            stream.CopyTo(Stream.Null);
            return digest;
        }
        catch (ObjectCorruptException e)
        {
            return e.Actual;
        }
    }
}
