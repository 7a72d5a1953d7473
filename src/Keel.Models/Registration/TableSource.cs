using System.Text.RegularExpressions;
using Keel.Datasets;
using Keel.Metadata;
using Keel.Objects;
using Keel.Registry;
using Keel.Workspaces;

namespace Keel.Models.Registration;

/// <summary>Reads a CSV named by a workspace path or a dataset reference (<c>holdout@2</c>), with the digest it had.</summary>
public static partial class TableSource
{
    public static async Task<(CsvTable Table, Digest Digest, string Label)> LoadAsync(Workspace workspace, string reference, string cwd, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(reference);
        if (DatasetRef().IsMatch(reference) && !File.Exists(Path.Combine(cwd, reference)))
        {
            var v = await DatasetResolver.ResolveAsync(workspace, reference, cancellationToken).ConfigureAwait(false);
            if (v.Kind != TreeKind.File) throw new KeelException($"{v.Ref} is a directory; name one CSV file (a path) instead");
            return (CsvTable.Read(workspace.Objects.OpenRead(v.Digest), v.Ref), v.Digest, v.Ref);
        }
        var rel = workspace.RelativePath(reference, cwd);
        var full = workspace.FullPath(rel);
        if (!File.Exists(full)) throw new KeelException($"data file '{reference}' not found; run the pipeline that writes it, or name a dataset version (name@N)");
        var digest = ContentHasher.HashFile(full);
        workspace.Objects.PutFile(digest, full);
        return (CsvTable.ReadFile(full), digest, rel);
    }

    /// <summary>A stored object read as CSV, or null when it is not one (a directory manifest, binary data).</summary>
    public static CsvTable? TryFromObject(Workspace workspace, Digest digest, string label)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        try
        {
            var table = CsvTable.Read(workspace.Objects.OpenRead(digest), label);
            return table.Columns.Count > 1 ? table : null;
        }
        catch (Exception e) when (e is KeelException or IOException or ObjectMissingException)
        {
            return null;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*@([0-9]+|latest)$")]
    private static partial Regex DatasetRef();
}
