using System.Globalization;
using System.Text;
using Keel.Monitoring;
using Keel.Monitoring.Actions;
using Keel.Registry;
using Keel.Tracking;
using Keel.Workspaces;

namespace Keel.Server.Capture;

/// <summary>
/// The production snapshot of captured predictions: the rows of the segments a monitoring pass read that have a
/// feedback label, written as one CSV with the columns of the model's training data (inputs as captured, the label
/// from feedback, columns the model never saw left empty), so the training pipeline reads it like its own data.
/// Rows without a label cannot be trained on and are counted, not written.
/// </summary>
internal sealed class CaptureSnapshot(Workspace workspace, MonitoredDeployment deployment, CaptureSource source, string labelColumn) : IProductionSnapshot
{
    public async Task<SnapshotResult> WriteAsync(string directory, CancellationToken cancellationToken)
    {
        var segments = source.Segments;
        if (segments.Count == 0) throw new KeelException($"no captured predictions of {deployment.Description} to snapshot");
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var label in new StoredFeedbackSource(workspace, deployment.Name).ReadAsync(cancellationToken).ConfigureAwait(false))
            labels.TryAdd(label.RequestId, label.Label);

        var header = Header();
        var file = Path.Combine(directory, $"capture-{deployment.Name}-{segments[0].Label.Split(':')[^1]}-{segments[^1].Label.Split(':')[^1]}.csv");
        int written = 0, unlabelled = 0;
        var text = new StringBuilder();
        text.AppendJoin(',', header.Select(Quote)).Append('\n');
        foreach (var segment in segments)
        {
            PredictionBatch rows = segment.Rows;
            var columns = header.Select(h => rows.Features.FirstOrDefault(f => f.Name == h)).ToArray();
            for (int i = 0; i < rows.Count; i++)
            {
                if (rows.RequestIds?[i] is not { } key || !labels.TryGetValue(key, out var label))
                {
                    unlabelled++;
                    continue;
                }
                for (int c = 0; c < header.Count; c++)
                {
                    if (c > 0) text.Append(',');
                    text.Append(header[c] == labelColumn ? Quote(label) : Cell(columns[c], i));
                }
                text.Append('\n');
                written++;
            }
        }
        if (written == 0)
            throw new KeelException($"none of the {unlabelled} captured predictions of {deployment.Description} has a feedback label, so there is nothing to retrain on; post labels to /v1/models/{deployment.Name}/feedback");
        await File.WriteAllTextAsync(file, text.ToString(), cancellationToken).ConfigureAwait(false);
        var sources = segments.Select(s => new RunInput(s.Label, s.Digest, false, "capture")).ToList();
        return new SnapshotResult($"{written} labelled production rows from {segments.Count} captured segment(s) ({unlabelled} without a label left out) as {Path.GetFileName(file)}", sources);
    }

    // The training data's own header when it is known, so the pipeline reads the snapshot like its input; else inputs then label.
    private List<string> Header()
    {
        var version = deployment.Versions[0];
        if (version.TrainingData is { } td)
        {
            try
            {
                using var reader = new StreamReader(workspace.Objects.OpenRead(td));
                if (reader.ReadLine() is { Length: > 0 } line && line.Contains(',', StringComparison.Ordinal) && !line.Contains('"', StringComparison.Ordinal))
                    return [.. line.Split(',')];
            }
            catch (Exception e) when (e is IOException or Objects.ObjectMissingException)
            {
                // Fall back to the signature below.
            }
        }
        return [.. version.Signature.Inputs.Select(f => f.Name), labelColumn];
    }

    private static string Cell(Monitoring.Profiles.DataColumn? column, int row) => column switch
    {
        null => "",
        { Numbers: { } n } => double.IsNaN(n[row]) ? "" : n[row].ToString("R", CultureInfo.InvariantCulture),
        { Texts: { } t } => Quote(t[row] ?? ""),
        _ => "",
    };

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\n\r") < 0 ? value : $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
