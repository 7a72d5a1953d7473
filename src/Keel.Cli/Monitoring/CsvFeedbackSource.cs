using System.Runtime.CompilerServices;
using Keel.Monitoring;

namespace Keel.Cli.Monitoring;

/// <summary>Feedback labels from a CSV with a request id column and a label column.</summary>
internal sealed class CsvFeedbackSource(string path, string idColumn, string labelColumn) : IFeedbackSource
{
    public async IAsyncEnumerable<FeedbackLabel> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        CsvTable table = await Task.Run(() => CsvTable.Read(path), cancellationToken).ConfigureAwait(false);
        string?[] ids = table.Column(idColumn) ?? throw new KeelException($"{path} has no '{idColumn}' column; pass --id-column");
        string?[] labels = table.Column(labelColumn) ?? throw new KeelException($"{path} has no '{labelColumn}' column; pass --label-column");
        for (int i = 0; i < table.Rows; i++)
            if (ids[i] is { } id && labels[i] is { } label) yield return new FeedbackLabel(id, label, null);
    }
}
