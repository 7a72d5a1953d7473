namespace Keel.Objects;

/// <summary>What a push or pull did.</summary>
public sealed record TransferReport(int Wanted, int AlreadyThere, int Copied, long BytesCopied);

/// <summary>
/// Copies objects between two stores: only those the destination lacks, many at once.
/// Content addressing makes it safe for two clients to copy the same objects concurrently:
/// both write identical bytes under one name. Manifests are copied after the files they list,
/// so a reader that finds a manifest at the destination finds its files too.
/// </summary>
internal sealed class ObjectTransfer(IObjectStore source, IObjectStore destination, int parallelism = 16)
{
    /// <summary>The digests a set of roots needs: each root, and for a directory root the files its manifest lists.</summary>
    public static List<(Digest Digest, bool IsManifest)> Closure(IObjectStore manifestsFrom, IEnumerable<(Digest Digest, bool IsManifest)> roots)
    {
        var seen = new HashSet<Digest>();
        var files = new List<(Digest, bool)>();
        var manifests = new List<(Digest, bool)>();
        foreach (var (d, isManifest) in roots)
        {
            if (!seen.Add(d)) continue;
            if (!isManifest)
            {
                files.Add((d, false));
                continue;
            }
            manifests.Add((d, true));
            foreach (var e in ManifestReader.Read(manifestsFrom, d).Entries)
                if (seen.Add(e.Digest)) files.Add((e.Digest, false));
        }
        return [.. files, .. manifests];
    }

    /// <summary>Copies what the destination lacks; <paramref name="progress"/> gets bytes as they land.</summary>
    public TransferReport Run(IReadOnlyList<(Digest Digest, bool IsManifest)> wanted, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        // Announced before the listing: what the destination is found to hold must outlive any gc until the copy is done.
        using var writing = (destination as IWriterExclusion)?.BeginWrites();
        var present = Present(wanted.Select(w => w.Digest).ToList(), cancellationToken);
        var missing = wanted.Where(w => !present.Contains(w.Digest)).ToList();
        long bytes = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken };
        try
        {
            // Files first, manifests last: a manifest never lands before its files.
            Parallel.ForEach(missing.Where(m => !m.IsManifest), options, m => Interlocked.Add(ref bytes, CopyOne(m.Digest, progress)));
            Parallel.ForEach(missing.Where(m => m.IsManifest), options, m => Interlocked.Add(ref bytes, CopyOne(m.Digest, progress)));
        }
        catch (AggregateException e) when (e.InnerExceptions.FirstOrDefault(x => x is KeelException) is KeelException first)
        {
            throw first;
        }
        return new TransferReport(wanted.Count, wanted.Count - missing.Count, missing.Count, bytes);
    }

    /// <summary>Which digests the destination has: a listing when asking one by one would cost more round trips.</summary>
    private HashSet<Digest> Present(List<Digest> digests, CancellationToken cancellationToken)
    {
        if (digests.Count > 256) return destination.List().ToHashSet();
        var present = new System.Collections.Concurrent.ConcurrentBag<Digest>();
        Parallel.ForEach(digests, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, d =>
        {
            if (destination.Contains(d)) present.Add(d);
        });
        return present.ToHashSet();
    }

    // Run has just found the object missing (one listing, or one question each): asking again
    // before writing would double the round trips of a push.
    private void Put(Digest digest, string path)
    {
        if (destination is IListedWrites listed) listed.PutFileUnchecked(digest, path);
        else destination.PutFile(digest, path);
    }

    private long CopyOne(Digest digest, IProgress<long>? progress)
    {
        long size;
        if (source is LocalObjectStore local)
        {
            var path = local.PathOf(digest);
            if (!File.Exists(path)) throw new ObjectMissingException(digest);
            // The file goes on as it is (an upload, a copy): damaged bytes must not travel under this name.
            local.Verify(digest);
            size = new FileInfo(path).Length;
            Put(digest, path);
        }
        else
        {
            var temp = Path.Combine(Path.GetTempPath(), $"keel-transfer-{Guid.NewGuid():N}");
            try
            {
                source.CopyTo(digest, temp);
                size = new FileInfo(temp).Length;
                Put(digest, temp);
            }
            finally
            {
                File.Delete(temp);
            }
        }
        progress?.Report(size);
        return size;
    }
}
