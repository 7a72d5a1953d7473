using System.Runtime.CompilerServices;
using Keel.Monitoring;
using Keel.Workspaces;

namespace Keel.Server.Capture;

/// <summary>The labels posted to <c>/v1/models/{name}/feedback</c>, keyed like captured rows (<see cref="SegmentReader.RowKey"/>).</summary>
internal sealed class StoredFeedbackSource(Workspace workspace, string model) : IFeedbackSource
{
    public async IAsyncEnumerable<FeedbackLabel> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var label in await workspace.Metadata.Models.FeedbackAsync(model, cancellationToken).ConfigureAwait(false))
            yield return new FeedbackLabel(SegmentReader.RowKey(label.RequestId, label.Row), label.Label, label.ReceivedAt);
    }
}
