using System.Runtime.CompilerServices;
using System.Text.Json;
using Keel.Lineage;
using Keel.Monitoring;
using Keel.Objects;
using Keel.Workspaces;

namespace Keel.Server.Capture;

/// <summary>
/// The captured predictions of a deployment: every <c>predictions</c> segment recorded for its version(s), in capture
/// order, read from the object store (so a remote object store works too). Segments wholly before <c>since</c> are
/// skipped without being read. Remembers the segments it read, for the production snapshot.
/// </summary>
internal sealed class CaptureSource(Workspace workspace, MonitoredDeployment deployment) : IPredictionSource
{
    private readonly List<CapturedSegment> _read = [];

    public string Description => deployment.Description;

    /// <summary>The segments the last pass read, oldest first.</summary>
    public IReadOnlyList<CapturedSegment> Segments => _read;

    public async IAsyncEnumerable<PredictionBatch> ReadAsync(DateTimeOffset? since, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        _read.Clear();
        var prefixes = deployment.Versions.Select(v => $"predictions:{v.Ref}:").ToList();
        long after = deployment.Versions.Min(v => v.NodeId);
        var segments = new List<LineageNode>();
        await foreach (var node in workspace.Metadata.Lineage.NodesAfterAsync(after, cancellationToken).ConfigureAwait(false))
        {
            if (node.Kind == "predictions" && node.Digest is not null && prefixes.Any(p => node.Label.StartsWith(p, StringComparison.Ordinal))) segments.Add(node);
        }
        foreach (var node in segments)
        {
            if (since is { } s && Last(node) is { } last && last < s) continue;
            PredictionBatch batch;
            using (var stream = workspace.Objects.OpenRead(node.Digest!.Value))
                batch = await SegmentReader.ReadAsync(stream, node.Label, cancellationToken).ConfigureAwait(false);
            if (since is { } from && batch.Times is { } times)
            {
                int[] keep = [.. Enumerable.Range(0, batch.Count).Where(i => times[i] >= from)];
                if (keep.Length != batch.Count) batch = batch.Take(keep);
            }
            _read.Add(new CapturedSegment(node.Label, node.Digest.Value, batch));
            yield return batch;
        }
    }

    /// <summary>
    /// Captured rows per version of model <paramref name="name"/> (at or after <paramref name="since"/> by segment), in version
    /// order: what to point at when the monitored version has no traffic yet (say, right after a retrained version replaced it).
    /// </summary>
    public static async Task<IReadOnlyList<(string Ref, long Rows)>> TrafficByVersionAsync(Workspace workspace, string name, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        string prefix = $"predictions:{name}@";
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        await foreach (var node in workspace.Metadata.Lineage.NodesAfterAsync(0, cancellationToken).ConfigureAwait(false))
        {
            if (node.Kind != "predictions" || !node.Label.StartsWith(prefix, StringComparison.Ordinal)) continue;
            if (since is { } s && Last(node) is { } last && last < s) continue;
            int end = node.Label.IndexOf(':', prefix.Length);
            string version = end < 0 ? node.Label["predictions:".Length..] : node.Label["predictions:".Length..end];
            rows[version] = rows.GetValueOrDefault(version) + Rows(node);
        }
        return [.. rows.OrderBy(kv => int.TryParse(kv.Key.AsSpan(name.Length + 1), out int v) ? v : int.MaxValue).Select(kv => (kv.Key, kv.Value))];
    }

    private static long Rows(LineageNode node)
    {
        if (node.Attributes is null) return 0;
        using var doc = JsonDocument.Parse(node.Attributes);
        return doc.RootElement.TryGetProperty("rows", out var rows) && rows.TryGetInt64(out long n) ? n : 0;
    }

    private static DateTimeOffset? Last(LineageNode node)
    {
        if (node.Attributes is null) return null;
        using var doc = JsonDocument.Parse(node.Attributes);
        return doc.RootElement.TryGetProperty("last", out var last) && last.TryGetDateTimeOffset(out var t) ? t : null;
    }
}

/// <summary>One captured segment as read: its lineage label, its object, its rows (those at or after --since).</summary>
internal sealed record CapturedSegment(string Label, Digest Digest, PredictionBatch Rows);
