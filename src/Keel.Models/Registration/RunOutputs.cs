using Keel.Lineage;
using Keel.Objects;
using Keel.Workspaces;

namespace Keel.Models.Registration;

/// <summary>Finds a run in the lineage (<c>run:ID</c> prefix or a stage name), the model it generated, and the data it trained on.</summary>
internal static class RunOutputs
{
    public static async Task<(LineageNode Run, LineageNode Output)> FindAsync(Workspace workspace, string text, CancellationToken cancellationToken)
    {
        var rest = text.StartsWith("run:", StringComparison.Ordinal) ? text[4..] : text;
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        var runPart = colon < 0 ? rest : rest[..colon];
        var outputPart = colon < 0 ? null : rest[(colon + 1)..];
        LineageNode? run;
        if (text.StartsWith("run:", StringComparison.Ordinal))
        {
            var found = await workspace.Metadata.LineageCatalog.FindByRunIdPrefixAsync(runPart, cancellationToken).ConfigureAwait(false);
            if (found.Select(n => n.RunId).Distinct().Count() > 1) throw new KeelException($"run id prefix '{runPart}' is ambiguous; give more characters");
            run = found.LastOrDefault();
        }
        else
        {
            run = (await workspace.Metadata.Lineage.FindByLabelAsync(runPart, cancellationToken).ConfigureAwait(false)).LastOrDefault(n => n.Type == NodeType.Run);
        }
        if (run is null) throw new KeelException($"no run '{runPart}' in the lineage; give run:ID or a stage name that has run ('keel lineage' lists them)");
        var outputs = new List<LineageNode>();
        await foreach (var n in workspace.Metadata.Lineage.NodesAfterAsync(run.Id, cancellationToken).ConfigureAwait(false))
        {
            if (n.RunId != run.RunId) break;
            if (n.Type == NodeType.Artifact && n.Digest is not null) outputs.Add(n);
        }
        var output = outputPart is not null
            ? outputs.LastOrDefault(o => o.Label == outputPart)
            : outputs.Count(o => o.Kind == "model") == 1 ? outputs.Single(o => o.Kind == "model") : null;
        if (output is null)
        {
            var listed = string.Join(", ", outputs.Where(o => o.Kind != "log").Select(o => o.Label));
            throw new KeelException(outputPart is null
                ? $"run {run.Label} has {outputs.Count(o => o.Kind == "model")} model outputs; name one as {runPart}:OUTPUT (outputs: {listed})"
                : $"run {run.Label} has no output '{outputPart}' (outputs: {listed})");
        }
        return (run, output);
    }

    /// <summary>The data the run read (the input whose path mentions 'train' when there are several), or null.</summary>
    public static async Task<LineageNode?> TrainingInputAsync(Workspace workspace, LineageNode run, CancellationToken cancellationToken)
    {
        var edges = await workspace.Metadata.LineageCatalog.EdgesIntoAsync([run.Id], cancellationToken).ConfigureAwait(false);
        var ids = edges.Where(e => e.Relation == Relation.Used).Select(e => e.From).ToList();
        var inputs = (await workspace.Metadata.LineageCatalog.GetManyAsync(ids, cancellationToken).ConfigureAwait(false))
            .Where(n => n.Type == NodeType.Artifact && n.Kind == "data" && n.Digest is not null).ToList();
        return inputs.Count == 1 ? inputs[0] : inputs.FirstOrDefault(n => n.Label.Contains("train", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The training table inside an input: the object itself when it is a file; in a directory (a stage that depends on
    /// data/features/train.csv records the data/features output it lies in) the CSV whose path mentions 'train', or its only CSV.
    /// </summary>
    public static (Digest Digest, string Label) TrainingFile(Workspace workspace, Digest digest, string label)
    {
        var head = new byte[32];
        int read;
        try
        {
            using var stream = workspace.Objects.OpenRead(digest);
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or ObjectMissingException)
        {
            return (digest, label);
        }
        if (!Manifest.LooksLikeManifest(head.AsSpan(0, read))) return (digest, label);
        var csvs = ManifestReader.Read(workspace.Objects, digest).Entries.Where(e => e.Path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)).ToList();
        var entry = csvs.Count == 1 ? csvs[0] : csvs.FirstOrDefault(e => Path.GetFileName(e.Path).Contains("train", StringComparison.OrdinalIgnoreCase));
        return entry is null ? (digest, label) : (entry.Digest, $"{label}/{entry.Path}");
    }
}
