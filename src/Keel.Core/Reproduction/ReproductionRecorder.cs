using System.Globalization;
using System.Text;
using System.Text.Json;
using Keel.Objects;
using Keel.Tracking;
using Keel.Tracking.Capture;
using Keel.Workspaces;

namespace Keel.Reproduction;

/// <summary>
/// Records a reproduction as a run of kind <c>reproduce</c>: it Used the artifact it reproduced
/// (role <c>reproduced</c>) and Generated the reproduced outputs (<c>reproduced/PATH</c>) and its
/// report, so the lineage shows every attempt beside the original.
/// </summary>
internal sealed class ReproductionRecorder(Workspace workspace)
{
    public async Task<string> RecordAsync(ReproductionPlan plan, ReproductionReport report, IReadOnlyDictionary<long, Digest> reproduced,
        SortedDictionary<string, object?> environment, CancellationToken cancellationToken)
    {
        var producer = plan.Producer!;
        var id = RunId.New(workspace.Time);
        var pid = Environment.ProcessId;
        var git = new GitState(producer.GitCommit, null, null, producer.GitDiff is not null, producer.GitDiff, 0, []);
        var env = EnvironmentCapture.StoreDescription(workspace.Objects, environment);
        await workspace.Metadata.Runs.CreateAsync(new NewRun(id, $"reproduce {plan.Subject.Label}", null, "reproduce", workspace.Time.GetUtcNow(),
            Agent.User, Agent.Host, pid, ProcessIdentity.StartTime(pid), $"keel reproduce {plan.Subject.Label}", 0, git, env), cancellationToken).ConfigureAwait(false);

        var inputs = new List<RunInput>();
        if (plan.Subject.Digest is { } sd)
            inputs.Add(new RunInput(plan.Subject.Label, sd, RunAttributesType(plan.Subject) == "directory", "reproduced"));
        var outputs = new List<RunOutput>();
        foreach (var step in plan.Steps)
            foreach (var o in step.Outputs)
                if (o.Path is not null && reproduced.TryGetValue(o.Node, out var d))
                    outputs.Add(new RunOutput($"reproduced/{o.Path}", o.Kind, d, o.IsDirectory, workspace.Objects.SizeOf(d) ?? 0));
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(report with { RunId = id.ToString() }, ReportJson.Options));
        var reportDigest = ContentHasher.Hash(json);
        workspace.Objects.Put(reportDigest, json);
        outputs.Add(new RunOutput("reproduce-report.json", "report", reportDigest, false, json.Length));

        var counted = report.Outputs.Where(o => o.Counts).ToList();
        var metrics = new List<MetricPoint>
        {
            new("outputs_passed", counted.Count(o => o.Passed), 0, workspace.Time.GetUtcNow()),
            new("outputs_failed", counted.Count(o => !o.Passed), 0, workspace.Time.GetUtcNow()),
        };
        var tags = new List<KeyValuePair<string, string>>
        {
            new("keel.reproduces", plan.Subject.Label),
            new("keel.verdict", report.Passed ? "pass" : "fail"),
        };
        var prms = new List<KeyValuePair<string, string>> { new("ref", plan.Subject.Label), new("steps", report.Steps.Count.ToString(CultureInfo.InvariantCulture)) };
        await workspace.Metadata.Runs.LogAsync(id, new RunBatch(prms, metrics, tags, inputs, outputs), cancellationToken).ConfigureAwait(false);
        await workspace.Metadata.Runs.FinishAsync(id, new RunCompletion(report.Passed ? RunStatus.Finished : RunStatus.Failed, workspace.Time.GetUtcNow(),
            report.Passed ? 0 : 1, new RunResources(0, 0, report.Seconds), report.Passed ? null : "out of tolerance"), cancellationToken).ConfigureAwait(false);
        return id.ToString();
    }

    private static string? RunAttributesType(Lineage.LineageNode n) => Lineage.RunAttributes.Text(n.Attributes, "type");
}
