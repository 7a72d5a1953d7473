using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Keel.Lineage;
using Keel.Reproduction.Attestations;
using Keel.Reproduction.Bundles;
using Keel.Workspaces;

namespace Keel.Reproduction;

/// <summary>
/// <c>keel verify</c>: integrity (re-hash every object upstream, recompute lineage roots),
/// behaviour tests (through <see cref="IBehaviourTestRunner"/> when installed) and, unless told
/// not to, a reproduction; writes report.json, report.md and a signed attestation.
/// </summary>
public sealed class Verifier(Workspace workspace, LineageIndex index, KeyStore keys, IBehaviourTestRunner? tests, IProgress<string>? progress = null)
{
    public const string AttestationsFolder = "attestations";

    /// <summary>How the reproduction runs: --trust-code and the sandbox's limits.</summary>
    public ReproduceOptions Reproduction { get; init; } = new(null);

    public async Task<VerificationReport> VerifyAsync(ResolvedNode subject, bool reproduce, string reportDir, string keelVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var started = workspace.Time.GetUtcNow();
        var notes = new List<string>();
        progress?.Report("integrity: re-hashing every object upstream and recomputing lineage roots");
        var integrity = await new LineageVerifier(workspace, index).VerifyAsync(subject.Index, long.MaxValue, cancellationToken).ConfigureAwait(false);
        var problems = integrity.Problems.Select(p => new IntegrityProblem(p.NodeId, p.Label, p.Kind, p.Problem, ModelsFed(p.NodeId))).ToList();

        progress?.Report("behaviour tests");
        var behaviour = tests is null ? BehaviourTestOutcome.NotAvailable : await tests.RunAsync(workspace, subject.Node, cancellationToken).ConfigureAwait(false);

        ReproductionReport? reproduction = null;
        string? reproductionError = null;
        if (reproduce)
        {
            progress?.Report("reproduction");
            try
            {
                reproduction = await new Reproducer(workspace, index, progress).ReproduceAsync(subject, Reproduction with { Directory = null, Record = true }, cancellationToken).ConfigureAwait(false);
            }
            catch (KeelException e) when (e is not NoSandboxException)
            {
                reproductionError = e.Message;
            }
        }
        else notes.Add("reproduction skipped (--no-reproduce)");
        if (behaviour.Status == "not_available") notes.Add("behaviour tests were not run: no runner is installed in this build");

        var origins = CodeOrigins(subject, cancellationToken);
        var sandbox = reproduction?.Sandbox;
        if (reproduction is { } ran && ran.Steps.Any(st => st.Origin != CodeOrigin.Workspace.ToString() && !st.Sandboxed && st.Command is not null))
            notes.Add("code from a bundle ran unconfined, on this machine with your permissions, because you said --trust-code");
        var passed = integrity.Intact && behaviour.Status != "fail" && reproductionError is null && (reproduction?.Passed ?? true);
        var report = new VerificationReport(subject.Node.Label, subject.Node.Digest, passed ? "pass" : "fail", integrity.Intact, integrity.ObjectsChecked, integrity.Runs,
            problems, behaviour, reproduction, reproductionError, null, null, notes, started, workspace.Time.GetUtcNow())
        {
            CodeOrigins = origins,
            Sandbox = sandbox,
        };

        Directory.CreateDirectory(reportDir);
        var (attestation, signedBy) = Attest(subject, report, integrity.Log, reportDir, keelVersion, cancellationToken);
        if (signedBy is null) notes.Add("no signing key: the statement was written unsigned; run 'keel keys generate' to sign");
        report = report with { Attestation = attestation, SignedBy = signedBy };
        await File.WriteAllTextAsync(Path.Combine(reportDir, "report.json"), JsonSerializer.Serialize(report, ReportJson.Options) + "\n", cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(reportDir, "report.md"), VerificationMarkdown.Write(report), cancellationToken).ConfigureAwait(false);
        return report;
    }

    private (string File, string? SignedBy) Attest(ResolvedNode subject, VerificationReport report, LineageLogState log, string reportDir, string keelVersion, CancellationToken cancellationToken)
    {
        var graph = LineageClosure.UpstreamAsync(workspace.Metadata, index, subject.Index, long.MaxValue, cancellationToken).GetAwaiter().GetResult();
        var plan = ReproductionPlan.Build(graph, subject.Node);
        var summary = new JsonObject
        {
            ["verdict"] = report.Verdict,
            ["integrity"] = report.IntegrityPassed ? "pass" : "fail",
            ["behaviour_tests"] = report.BehaviourTests.Status,
            ["reproduction"] = report.Reproduction is { } r ? (r.Passed ? "pass" : "fail") : report.ReproductionError is null ? "skipped" : "error",
            // The signed head pins the whole lineage log as it stood: a later rewrite of any record or seal no longer matches it.
            ["lineage_log"] = new JsonObject { ["entries"] = log.Entries, ["head"] = log.Head?.ToString(), ["first_run"] = log.FirstRun },
            ["checked"] = new JsonArray([.. Checked(report).Select(c => (JsonNode)JsonValue.Create(c))]),
            ["code_origin"] = new JsonArray([.. report.CodeOrigins.Select(c => (JsonNode)JsonValue.Create(c))]),
            ["sandboxed"] = report.Sandbox is not null,
            ["sandbox"] = report.Sandbox,
        };
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(report, ReportJson.Options));
        var statement = ProvenanceStatement.Build(workspace.Objects, plan, summary, json, keelVersion, report.StartedAt, report.FinishedAt, report.Reproduction?.RunId ?? "verify");
        var payload = Encoding.UTF8.GetBytes(statement.ToJsonString());
        var signing = keys.SigningKey();
        if (signing is not { } s)
        {
            var unsigned = Path.Combine(reportDir, "attestation.intoto.json");
            File.WriteAllBytes(unsigned, payload);
            return (unsigned, null);
        }
        using var key = s.Key;
        var envelope = Dsse.Serialize(Dsse.Sign(Dsse.InTotoPayloadType, payload, key, s.KeyId));
        var file = Path.Combine(reportDir, "attestation.dsse.json");
        File.WriteAllText(file, envelope);
        // A copy beside the workspace's data, so 'keel bundle export' carries it.
        if (subject.Node.Digest is { } d)
        {
            var keep = Path.Combine(workspace.KeelDir, AttestationsFolder, d.Hex);
            Directory.CreateDirectory(keep);
            File.WriteAllText(Path.Combine(keep, $"{report.FinishedAt.ToUnixTimeMilliseconds()}.dsse.json"), envelope);
        }
        return (file, s.KeyId);
    }

    private static IEnumerable<string> Checked(VerificationReport r)
    {
        yield return "integrity";
        if (r.BehaviourTests.Status is "pass" or "fail") yield return "behaviour_tests";
        if (r.Reproduction is not null) yield return "reproduction";
    }

    /// <summary>Where the recorded commands upstream of the subject came from, each named once.</summary>
    private List<string> CodeOrigins(ResolvedNode subject, CancellationToken cancellationToken)
    {
        var graph = LineageClosure.UpstreamAsync(workspace.Metadata, index, subject.Index, long.MaxValue, cancellationToken).GetAwaiter().GetResult();
        var plan = ReproductionPlan.Build(graph, subject.Node);
        var imported = ImportedRuns.Load(workspace.KeelDir);
        return [.. plan.Steps.Select(st => (imported.GetValueOrDefault(st.RunId) ?? CodeOrigin.Workspace).ToString()).Distinct(StringComparer.Ordinal)];
    }

    private List<string> ModelsFed(long node)
    {
        var i = index.IndexOf(node);
        if (i < 0) return [];
        var walk = new LineageTraversal(index);
        walk.Walk(i, LineageDirection.Down);
        var models = new List<string>();
        foreach (var n in walk.Found)
            if (index.TypeOf(n) == NodeType.Artifact && index.KindOf(n) == "model" && !models.Contains(index.LabelOf(n))) models.Add(index.LabelOf(n));
        return models;
    }
}
