using System.Globalization;
using System.Text;

namespace Keel.Reproduction;

/// <summary>report.md: the verification as a page a colleague reads.</summary>
public static class VerificationMarkdown
{
    public static string Write(VerificationReport r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.Append(inv, $"# Verification of `{r.Subject}`: {r.Verdict.ToUpperInvariant()}\n\n");
        sb.Append(inv, $"- digest: `{r.SubjectDigest}`\n- started: {r.StartedAt:O}, finished: {r.FinishedAt:O}\n");
        sb.Append(inv, $"- attestation: `{Path.GetFileName(r.Attestation)}`{(r.SignedBy is null ? " (unsigned)" : $", signed by `{r.SignedBy}`")}\n\n");
        sb.Append("## Code\n\n");
        foreach (var o in r.CodeOrigins) sb.Append(inv, $"- from {o}\n");
        sb.Append(r.Reproduction is null ? "- nothing ran (no reproduction)\n"
            : r.Sandbox is not null ? $"- code from a bundle ran in a sandbox ({r.Sandbox})\n"
            : r.Reproduction.Steps.Any(s => s.Origin != Bundles.CodeOrigin.Workspace.ToString() && s.Command is not null) ? "- code from a bundle ran UNCONFINED (--trust-code)\n"
            : "- the workspace's own code ran unconfined\n");
        sb.Append('\n');
        sb.Append(inv, $"## Integrity: {(r.IntegrityPassed ? "pass" : "FAIL")}\n\n{r.ObjectsChecked} objects re-hashed, {r.RunsChecked} lineage roots recomputed.\n\n");
        foreach (var p in r.IntegrityProblems)
            sb.Append(inv, $"- **{p.Label}** ({p.Kind}, node {p.Node}): {p.Problem}{(p.Feeds.Count > 0 ? $"; feeds {string.Join(", ", p.Feeds)}" : "")}\n");
        sb.Append(inv, $"\n## Behaviour tests: {r.BehaviourTests.Status}\n\n");
        foreach (var d in r.BehaviourTests.Details) sb.Append(inv, $"- {d}\n");
        sb.Append("\n## Reproduction: ");
        if (r.Reproduction is { } rep)
        {
            sb.Append(inv, $"{(rep.Passed ? "pass" : "FAIL")} ({rep.Seconds:0.0} s, run `{rep.RunId}`)\n\n| stage | output | method | status | difference | detail |\n|---|---|---|---|---|---|\n");
            foreach (var o in rep.Outputs)
                sb.Append(inv, $"| {o.Stage} | `{o.Path}` | {o.Method} ({o.Tolerance}) | {o.Status} | {o.Difference?.ToString("G3", inv) ?? "-"} | {o.Detail.Replace("|", "\\|", StringComparison.Ordinal)} |\n");
            if (rep.EnvironmentDifferences.Count > 0)
            {
                sb.Append("\nEnvironment differences (recorded -> now):\n\n");
                foreach (var e in rep.EnvironmentDifferences) sb.Append(inv, $"- {e.Field}: {e.Recorded ?? "-"} -> {e.Now ?? "-"}\n");
            }
            foreach (var c in rep.LikelyCauses) sb.Append(inv, $"- likely cause: {c}\n");
        }
        else sb.Append(r.ReproductionError is null ? "skipped\n" : $"ERROR: {r.ReproductionError}\n");
        if (r.Notes.Count > 0)
        {
            sb.Append("\n## Notes\n\n");
            foreach (var n in r.Notes) sb.Append(inv, $"- {n}\n");
        }
        return sb.ToString();
    }
}
