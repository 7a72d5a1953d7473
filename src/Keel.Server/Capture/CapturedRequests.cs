using Keel.Lineage;
using Keel.Objects;
using Keel.Server.Hosting;
using Keel.Workspaces;
using Parquet;

namespace Keel.Server.Capture;

/// <summary>
/// Which version answered a request id, and with how many rows, so feedback can be checked and
/// linked: first the capture logs and the segments this server cut lately (in memory, bounded by
/// the segment size), then the model's stored <c>predictions</c> segments, newest first. Memory
/// stays flat: older ids are looked up in the segments, never kept.
/// </summary>
internal sealed class CapturedRequests(CaptureWriter writer, Workspace workspace, MetadataGate gate)
{
    private const int CachedSegments = 8;
    private const string LabelPrefix = "predictions:";

    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly List<(string Model, Digest Digest)> _segments = [];
    private readonly List<(Digest Digest, Dictionary<string, (int Version, int Rows)> Requests)> _cache = [];
    private long _watermark;

    public async Task<Dictionary<string, (int Version, int Rows)>> FindAsync(string model, IReadOnlyCollection<string> requestIds, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, (int Version, int Rows)>(StringComparer.Ordinal);
        var missing = Recent(model, requestIds, found);
        if (missing.Count == 0) return found;
        // A request answered a moment ago may still be in the capture queue.
        await writer.LogQueuedAsync(cancellationToken).ConfigureAwait(false);
        missing = Recent(model, missing, found);
        if (missing.Count == 0) return found;
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await CatchUpAsync(cancellationToken).ConfigureAwait(false);
            var wanted = new HashSet<string>(missing, StringComparer.Ordinal);
            for (var i = _segments.Count - 1; i >= 0 && wanted.Count > 0; i--)
            {
                if (_segments[i].Model != model) continue;
                var requests = await SegmentAsync(_segments[i].Digest, cancellationToken).ConfigureAwait(false);
                foreach (var id in wanted.ToList())
                {
                    if (!requests.TryGetValue(id, out var hit)) continue;
                    found[id] = hit;
                    wanted.Remove(id);
                }
            }
        }
        finally
        {
            _lock.Release();
        }
        return found;
    }

    private List<string> Recent(string model, IEnumerable<string> ids, Dictionary<string, (int Version, int Rows)> found)
    {
        var missing = new List<string>();
        foreach (var id in ids)
        {
            if (writer.TryFindRecent(model, id, out var version, out var rows)) found[id] = (version, rows);
            else missing.Add(id);
        }
        return missing;
    }

    /// <summary>Adds the segments recorded since the last look (by this server or any other) to the list.</summary>
    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        // Only segments are kept from the scan (the first one reads the whole graph once; later ones only what is new).
        var (last, segments) = await gate.RunAsync(async () =>
        {
            var last = _watermark;
            var found = new List<(string, Digest)>();
            await foreach (var n in workspace.Metadata.Lineage.NodesAfterAsync(_watermark, cancellationToken).ConfigureAwait(false))
            {
                last = Math.Max(last, n.Id);
                if (n.Type == NodeType.Artifact && n.Kind == "predictions" && n.Digest is { } digest && SegmentModel(n.Label) is { } model) found.Add((model, digest));
            }
            return (last, found);
        }, cancellationToken).ConfigureAwait(false);
        _watermark = last;
        _segments.AddRange(segments);
    }

    /// <summary>The model name of a segment label <c>predictions:NAME@N:FIRST_MS</c>, or null.</summary>
    private static string? SegmentModel(string label)
    {
        if (!label.StartsWith(LabelPrefix, StringComparison.Ordinal)) return null;
        var colon = label.LastIndexOf(':');
        if (colon <= LabelPrefix.Length) return null;
        var at = label.LastIndexOf('@', colon);
        return at > LabelPrefix.Length ? label[LabelPrefix.Length..at] : null;
    }

    private async Task<Dictionary<string, (int Version, int Rows)>> SegmentAsync(Digest digest, CancellationToken cancellationToken)
    {
        var cached = _cache.FindIndex(c => c.Digest == digest);
        if (cached >= 0)
        {
            var hit = _cache[cached];
            _cache.RemoveAt(cached);
            _cache.Add(hit);
            return hit.Requests;
        }
        var requests = new Dictionary<string, (int Version, int Rows)>(StringComparer.Ordinal);
        var stream = workspace.Objects.OpenRead(digest);
        await using (stream.ConfigureAwait(false))
        {
            var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            await using var _ = reader.ConfigureAwait(false);
            var fields = reader.Schema.DataFields;
            var idField = fields.Single(f => f.Name == "request_id");
            var rowField = fields.Single(f => f.Name == "row");
            var versionField = fields.Single(f => f.Name == "version");
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                var n = (int)group.RowCount;
                var ids = new string?[n];
                var rows = new int[n];
                var versions = new int[n];
                await group.ReadAsync(idField, ids.AsMemory()).ConfigureAwait(false);
                await group.ReadAsync<int>(rowField, rows.AsMemory()).ConfigureAwait(false);
                await group.ReadAsync<int>(versionField, versions.AsMemory()).ConfigureAwait(false);
                for (var i = 0; i < n; i++)
                    if (ids[i] is { } id) requests[id] = (versions[i], Math.Max(requests.GetValueOrDefault(id).Rows, rows[i] + 1));
            }
        }
        _cache.Add((digest, requests));
        if (_cache.Count > CachedSegments) _cache.RemoveAt(0);
        return requests;
    }
}
