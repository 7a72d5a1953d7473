using System.Text;
using System.Text.Json;
using Keel.Objects;
using Keel.Workspaces;

namespace Keel.Lineage;

/// <summary>What <c>keel recover</c> wrote and found.</summary>
public sealed record RecoveryReport(string Directory, IReadOnlyList<string> Files, int Steps, int RawInputs, int ObjectsCopied, int ObjectsChecked, IReadOnlyList<LineageProblem> Problems);

/// <summary>
/// Writes everything that made an artifact into a folder: bom.json, prov.json,
/// openlineage.jsonl, lineage.dot and replay.sh; optionally every object's bytes (objects/)
/// and a re-hash of all of them.
/// </summary>
public sealed class LineageRecovery(Workspace workspace, LineageIndex index)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public async Task<RecoveryReport> RecoverAsync(ResolvedNode subject, string directory, bool materialize, bool verify, DateTimeOffset? asOf, CancellationToken cancellationToken)
    {
        var asOfMs = asOf?.ToUnixTimeMilliseconds() ?? long.MaxValue;
        var graph = await LineageClosure.UpstreamAsync(workspace.Metadata, index, subject.Index, asOfMs, cancellationToken).ConfigureAwait(false);
        var roots = LineageRoots.Compute(graph);
        var bom = BillOfMaterials.Build(graph, subject.Node, roots, asOf);
        var upstream = BillOfMaterials.UpstreamIds(graph, subject.Node.Id, graph.Edges.ToLookup(e => e.To));
        var ancestry = new LineageGraph(graph.Nodes.Where(n => upstream.Contains(n.Id)).ToList(), graph.Edges.Where(e => upstream.Contains(e.To)).ToList());

        var existed = Directory.Exists(directory);
        Directory.CreateDirectory(directory);
        var files = new List<string>();
        void Write(string name, string text)
        {
            File.WriteAllText(Path.Combine(directory, name), text, new UTF8Encoding(false));
            files.Add(name);
        }
        Write("bom.json", bom.ToJsonString(Indented) + "\n");
        Write("prov.json", ProvJsonExporter.Export(ancestry).ToJsonString(Indented) + "\n");
        var ns = $"keel://{Path.GetFileName(workspace.Root)}";
        Write("openlineage.jsonl", string.Concat(OpenLineageExporter.Export(ancestry, ns).Select(e => e.ToJsonString() + "\n")));
        var view = LineageView.Query(index, subject.Index, LineageDirection.Up, -1, [], asOfMs);
        Write("lineage.dot", GraphWriters.Dot(view));
        Write("replay.sh", Replay(graph, subject.Node));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(Path.Combine(directory, "replay.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var problems = new List<LineageProblem>();
        var digests = new List<(LineageNode Node, Digest Digest)>();
        foreach (var n in ancestry.Nodes)
        {
            if (LineageVerifier.IsExternal(n)) continue;
            if (n.Type == NodeType.Artifact && n.Digest is { } d) digests.Add((n, d));
            if (n.Type != NodeType.Run) continue;
            var a = RunAttributes.Parse(n.Attributes);
            if (a.GitDiff is { } g) digests.Add((n, g));
            if (a.Env is { } e) digests.Add((n, e));
        }
        var copied = 0;
        var copies = new List<string>();
        var check = new ObjectCheck(workspace.Objects);
        if (materialize)
        {
            var objects = Path.Combine(directory, "objects");
            Directory.CreateDirectory(objects);
            foreach (var (node, d) in digests)
                foreach (var item in Expand(d))
                {
                    var target = Path.Combine(objects, item.Hex);
                    if (File.Exists(target)) continue;
                    if (!workspace.Objects.Contains(item))
                    {
                        problems.Add(new LineageProblem(node.Id, node.Label, node.Kind, $"object {item} is missing from the store"));
                        continue;
                    }
                    try
                    {
                        // Checked against its digest in the same pass as the copy.
                        workspace.Objects.CopyTo(item, target);
                    }
                    catch (ObjectCorruptException e)
                    {
                        Undo(directory, existed, files, copies);
                        throw new KeelException(
                            $"recover {subject.Node.Label}: {node.Label} ({item}) is damaged in the object store: its bytes hash to {e.Actual}; refused, nothing was recovered. "
                            + "Run 'keel fsck' to see what else it affects, and 'keel fsck --repair' to restore an intact copy from the workspace files or a remote", ExitCodes.CheckFailed, e);
                    }
                    copies.Add(target);
                    copied++;
                }
        }
        if (verify)
        {
            foreach (var (node, d) in digests)
            {
                if (check.Problem(d) is { } p) problems.Add(new LineageProblem(node.Id, node.Label, node.Kind, p));
                if (!materialize) continue;
                var copy = Path.Combine(directory, "objects", d.Hex);
                if (File.Exists(copy) && ContentHasher.HashFile(copy) != d)
                    problems.Add(new LineageProblem(node.Id, node.Label, node.Kind, $"the copy objects/{d.Hex} does not hash to {d}"));
            }
        }
        var distinct = problems.GroupBy(p => (p.NodeId, p.Problem)).Select(g => g.First()).OrderBy(p => p.NodeId).ToList();
        return new RecoveryReport(directory, files, bom["build"]!.AsArray().Count, bom["raw_data"]!.AsArray().Count, copied, check.Checked, distinct);
    }

    /// <summary>replay.sh: the plan reproduce would replay, with the compare rules of the keel.yaml recorded with each step's commit.</summary>
    private string Replay(LineageGraph graph, LineageNode subject)
    {
        var plan = Reproduction.ReproductionPlan.Build(graph, subject);
        if (plan.Producer is null && Reproduction.Reproducer.SameBytesSource(graph, subject) is { } source)
            plan = Reproduction.ReproductionPlan.Build(graph, source);
        var byCommit = new Dictionary<string, Dictionary<string, IReadOnlyList<Pipelines.CompareRule>>>(StringComparer.Ordinal);
        IReadOnlyList<Pipelines.CompareRule> Rules(Reproduction.RecordedStep step)
        {
            var key = step.GitCommit ?? "";
            if (!byCommit.TryGetValue(key, out var rules)) byCommit[key] = rules = RecordedRules(step.GitCommit);
            return rules.GetValueOrDefault(step.Stage) ?? [];
        }
        // The subject, not the run output it was registered from, decides the default comparison, as in reproduce.
        return Reproduction.ReplayScript.Write(plan, subject.Id, Rules);
    }

    /// <summary>The compare rules in keel.yaml as committed (the workspace's own keel.yaml when the commit is unknown or lacks one).</summary>
    private Dictionary<string, IReadOnlyList<Pipelines.CompareRule>> RecordedRules(string? commit)
    {
        var rules = new Dictionary<string, IReadOnlyList<Pipelines.CompareRule>>(StringComparer.Ordinal);
        string? text = null;
        if (commit is not null)
        {
            var (code, bytes) = Tracking.Capture.GitCommand.Run(workspace.Root, "show", $"{commit}:./{Pipelines.PipelineRunner.PipelineFile}");
            if (code == 0) text = Encoding.UTF8.GetString(bytes);
        }
        var file = Path.Combine(workspace.Root, Pipelines.PipelineRunner.PipelineFile);
        text ??= File.Exists(file) ? File.ReadAllText(file) : null;
        if (text is null) return rules;
        try
        {
            foreach (var s in Pipelines.PipelineParser.Parse(text, Pipelines.PipelineRunner.PipelineFile).Stages) rules.TryAdd(s.Name, s.Compare);
        }
        catch (KeelException)
        {
            // A keel.yaml that no longer parses: outputs are compared by digest only, as reproduce does.
        }
        return rules;
    }

    /// <summary>Takes back what a refused recovery wrote: the whole folder when it made it, else its own files.</summary>
    private static void Undo(string directory, bool existed, List<string> files, List<string> copies)
    {
        if (!existed)
        {
            Directory.Delete(directory, recursive: true);
            return;
        }
        foreach (var f in files) File.Delete(Path.Combine(directory, f));
        foreach (var c in copies) File.Delete(c);
    }

    /// <summary>A digest and, for a readable manifest, every file it lists.</summary>
    private IEnumerable<Digest> Expand(Digest d)
    {
        yield return d;
        if (!workspace.Objects.Contains(d)) yield break;
        Manifest? manifest = null;
        try
        {
            using var s = workspace.Objects.OpenRead(d);
            using var buffer = new MemoryStream();
            s.CopyTo(buffer);
            var bytes = buffer.ToArray();
            if (Manifest.LooksLikeManifest(bytes)) manifest = Manifest.Parse(bytes);
        }
        catch (KeelException)
        {
        }
        if (manifest is null) yield break;
        foreach (var e in manifest.Entries) yield return e.Digest;
    }
}
