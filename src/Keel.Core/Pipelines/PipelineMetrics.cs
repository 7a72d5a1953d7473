using Keel.Datasets;
using Keel.Metadata;
using Keel.Objects;
using Keel.Tracking;
using Keel.Tracking.Capture;
using Keel.Workspaces;

namespace Keel.Pipelines;

/// <summary>
/// Resolves what <c>keel metrics show</c> and <c>diff</c> compare, as <c>dvc metrics</c> does:
/// <c>workspace</c> (the files keel.yaml declares with <c>kind: metrics</c>, as they are on
/// disk), a git revision (the metrics outputs its committed keel.lock pins, read from the
/// object store, or from git when the file is committed), or a run (its recorded metrics).
/// Files hold many steps (a CSV of epochs); a snapshot keeps the last value per key.
/// </summary>
public static class PipelineMetrics
{
    public const string WorkspaceRef = "workspace";

    public static async Task<MetricsSnapshot> ResolveAsync(Workspace workspace, string reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(reference);
        if (reference == WorkspaceRef) return FromWorkspace(workspace);
        if (reference.StartsWith("run:", StringComparison.Ordinal)) return await FromRunAsync(workspace, reference, cancellationToken).ConfigureAwait(false);
        var commit = reference.StartsWith("git:", StringComparison.Ordinal) ? Commit(workspace, reference[4..]) : Commit(workspace, reference);
        if (reference.StartsWith("git:", StringComparison.Ordinal))
            return FromCommit(workspace, reference[4..], commit ?? throw new KeelException($"'{reference[4..]}' is not a commit of the git repository at {workspace.Root}; 'git log --oneline' lists them"));
        var hex = reference.Replace("-", "", StringComparison.Ordinal);
        var runs = hex.Length > 0 && hex.All(char.IsAsciiHexDigit)
            ? await workspace.Metadata.Runs.FindByPrefixAsync(hex.ToLowerInvariant(), 2, cancellationToken).ConfigureAwait(false)
            : [];
        if (commit is not null && runs.Count > 0)
            throw new KeelException($"'{reference}' is both a git revision and a run id prefix; write git:{reference} or run:{reference}");
        if (commit is not null) return FromCommit(workspace, reference, commit);
        if (runs.Count > 0) return await FromRunAsync(workspace, reference, cancellationToken).ConfigureAwait(false);
        throw new KeelException($"'{reference}' is not 'workspace', a run id or a git revision; 'keel runs list' shows runs, 'git log --oneline' commits");
    }

    /// <summary>The git revision <c>keel metrics diff</c> compares the workspace with when given none: HEAD, or null with the reason.</summary>
    public static string? DefaultBaseline(Workspace workspace, out string why)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (GitCommand.Text(workspace.Root, "rev-parse", "--is-inside-work-tree") != "true")
        {
            why = $"{workspace.Root} is not in a git repository, so there is no HEAD to compare with";
            return null;
        }
        if (Commit(workspace, "HEAD") is null)
        {
            why = "the git repository has no commit yet, so there is no HEAD to compare with";
            return null;
        }
        why = "";
        return "HEAD";
    }

    private static string? Commit(Workspace workspace, string rev) =>
        rev.Length == 0 || rev.StartsWith('-') ? null : GitCommand.Text(workspace.Root, "rev-parse", "--verify", "--quiet", rev + "^{commit}");

    private static MetricsSnapshot FromWorkspace(Workspace workspace)
    {
        var file = Path.Combine(workspace.Root, PipelineRunner.PipelineFile);
        if (!File.Exists(file)) throw new KeelException($"no {PipelineRunner.PipelineFile} in {workspace.Root}: the workspace has no metrics files; name a run instead (keel metrics show RUN)");
        var pipeline = PipelineParser.ParseFile(file, PipelineRunner.PipelineFile);
        var rows = new List<MetricsRow>();
        var notes = new List<string>();
        foreach (var o in pipeline.Stages.SelectMany(s => s.Outs).Where(o => o.Kind == "metrics").DistinctBy(o => o.Path))
        {
            var full = workspace.FullPath(o.Path);
            if (!File.Exists(full) && !Directory.Exists(full))
            {
                notes.Add($"{o.Path} does not exist yet ('keel run' writes it)");
                continue;
            }
            Read(full, o.Path, rows, notes);
        }
        if (rows.Count == 0 && notes.Count == 0) notes.Add($"{PipelineRunner.PipelineFile} declares no output of kind metrics");
        return new MetricsSnapshot(WorkspaceRef, "workspace", rows, notes);
    }

    private static MetricsSnapshot FromCommit(Workspace workspace, string rev, string commit)
    {
        var label = commit[..Math.Min(12, commit.Length)];
        var (code, bytes) = GitCommand.Run(workspace.Root, "show", $"{commit}:./{LockFile.FileName}");
        if (code != 0)
            throw new KeelException($"commit {label} ({rev}) has no {LockFile.FileName}: commit keel.lock with the code after 'keel run' so metrics can be compared across commits");
        var rows = new List<MetricsRow>();
        var notes = new List<string>();
        var outs = LockFile.Parse(bytes).Values.SelectMany(s => s.Outs).Where(o => o.OutKind == "metrics").DistinctBy(o => o.Path).OrderBy(o => o.Path, StringComparer.Ordinal);
        var scratch = Path.Combine(workspace.KeelDir, "tmp", "metrics-" + Guid.NewGuid().ToString("N"));
        try
        {
            foreach (var o in outs)
            {
                var dest = Path.Combine(scratch, o.Path.Replace('/', Path.DirectorySeparatorChar));
                if (workspace.Objects.Contains(o.Digest))
                {
                    TreeSnapshot.Materialize(workspace, o.Digest, o.Kind, dest);
                }
                else if (o.Kind == TreeKind.File && GitCommand.Run(workspace.Root, "show", $"{commit}:./{o.Path}") is (0, var committed))
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
                    File.WriteAllBytes(dest, committed);
                }
                else
                {
                    notes.Add($"{o.Path} ({o.Digest.Short}) is neither in the object store nor committed at {label}; 'keel remote pull' fetches it");
                    continue;
                }
                Read(dest, o.Path, rows, notes);
            }
        }
        catch (ObjectCorruptException e)
        {
            throw new KeelException($"a metrics file pinned by {label} is damaged in the store: {e.Message}");
        }
        finally
        {
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        }
        return new MetricsSnapshot(label, "commit", rows, notes);
    }

    private static async Task<MetricsSnapshot> FromRunAsync(Workspace workspace, string reference, CancellationToken cancellationToken)
    {
        var id = await RunResolver.ResolveAsync(workspace.Metadata.Runs, reference, cancellationToken).ConfigureAwait(false);
        var detail = (await workspace.Metadata.Runs.GetDetailAsync(id, cancellationToken).ConfigureAwait(false))!;
        var rows = detail.LatestMetrics.Values.Select(m => new MetricsRow(null, m.Key, m.Value, m.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture))).ToList();
        IReadOnlyList<string> notes = rows.Count == 0 ? [$"run {id.Short} ({detail.Run.Name}) recorded no metrics"] : [];
        return new MetricsSnapshot("run:" + id.Short, "run", rows, notes);
    }

    private static void Read(string full, string display, List<MetricsRow> rows, List<string> notes)
    {
        try
        {
            // Last value per key: a CSV of epochs shows where training ended.
            var latest = new Dictionary<string, MetricsEntry>(StringComparer.Ordinal);
            foreach (var e in MetricsDocument.Read(full, display))
            {
                if (!latest.TryGetValue(e.Key, out var seen) || e.Step >= seen.Step) latest[e.Key] = e;
            }
            rows.AddRange(latest.Values.Select(e => new MetricsRow(display, e.Key, e.Number, e.Text)));
        }
        catch (Exception e) when (e is KeelException or IOException)
        {
            notes.Add(e.Message);
        }
    }
}
