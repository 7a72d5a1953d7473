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

    private static DateTimeOffset? Last(LineageNode node)
    {
        if (node.Attributes is null) return null;
        using var doc = JsonDocument.Parse(node.Attributes);
        return doc.RootElement.TryGetProperty("last", out var last) && last.TryGetDateTimeOffset(out var t) ? t : null;
    }
}

/// <summary>One captured segment as read: its lineage label, its object, its rows (those at or after --since).</summary>
internal sealed record CapturedSegment(string Label, Digest Digest, PredictionBatch Rows);
