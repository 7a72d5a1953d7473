using System.Text.Json.Nodes;
using Keel.Lineage;

namespace Keel.Core.Tests.Lineage;

public sealed class LineageRecoveryTests
{
    private static async Task<(RecoveryReport Report, string Dir)> RecoverAsync(SampleGraph g, string label, bool materialize, bool verify)
    {
        var ix = await g.IndexAsync();
        var resolved = await new LineageResolver(g.Workspace.Metadata, ix).ResolveAsync(label, null, CancellationToken.None);
        var dir = Path.Combine(g.Dir, "recovered");
        var r = await new LineageRecovery(g.Workspace, ix).RecoverAsync(resolved, dir, materialize, verify, null, CancellationToken.None);
        return (r, dir);
    }

    [Fact]
    public async Task Recover_Model_WritesBillOfMaterialsAndEveryFormat()
    {
        using var g = await SampleGraph.CreateAsync();
        var (r, dir) = await RecoverAsync(g, "churn@2", materialize: true, verify: true);
        Assert.Empty(r.Problems);
        Assert.Equal(["bom.json", "prov.json", "openlineage.jsonl", "lineage.dot", "replay.sh"], r.Files);
        var bom = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "bom.json")))!;
        Assert.Equal("churn@2", bom["subject"]!["label"]!.GetValue<string>());
        Assert.Equal(["raw@2"], bom["raw_data"]!.AsArray().Select(x => x!["label"]!.GetValue<string>()));
        Assert.Equal("train", bom["training_data"]![0]!["role"]!.GetValue<string>());
        Assert.Equal(["prepare", "train"], bom["build"]!.AsArray().Select(x => x!["stage"]!.GetValue<string>()));
        Assert.Equal("0.2", bom["build"]![1]!["params"]!["lr"]!.GetValue<string>());
        Assert.Equal("def456", bom["build"]![1]!["git_commit"]!.GetValue<string>());
        Assert.Equal(3, Directory.GetFiles(Path.Combine(dir, "objects")).Length);
        var replay = File.ReadAllText(Path.Combine(dir, "replay.sh"));
        Assert.Matches(@"KEEL_STAGE='train' KEEL_SEED='42' KEEL_REPRODUCE='1' KEEL_METRICS_FILE=""\$logs/\d+-train\.metrics\.jsonl"" bash -c 'python train\.py'", replay);
        Assert.Contains("prepare 'models/churn.zip'", replay, StringComparison.Ordinal);
        Assert.Matches("check --stage 'train' --method [a-z]+ 'models/churn.zip' blake3:", replay);
        Assert.Equal(4, File.ReadAllLines(Path.Combine(dir, "openlineage.jsonl")).Length);
    }

    [Fact]
    public async Task Recover_Verify_NamesADeletedAndACorruptedObject()
    {
        using var g = await SampleGraph.CreateAsync();
        var ct = CancellationToken.None;
        var raw = (await g.Workspace.Metadata.Lineage.GetAsync(g.Id("raw@1"), ct))!;
        var feat = (await g.Workspace.Metadata.Lineage.GetAsync(g.Id("features@1"), ct))!;
        Tamper.DeleteObject(g.Workspace, raw.Digest!.Value);
        Tamper.OverwriteObject(g.Workspace, feat.Digest!.Value, "not the features");
        var (r, _) = await RecoverAsync(g, "churn@1", materialize: false, verify: true);
        Assert.Equal(2, r.Problems.Count);
        Assert.Equal(g.Id("raw@1"), r.Problems[0].NodeId);
        Assert.Contains("missing", r.Problems[0].Problem, StringComparison.Ordinal);
        Assert.Equal(g.Id("features@1"), r.Problems[1].NodeId);
        Assert.Contains("corrupt", r.Problems[1].Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diff_TwoModels_ShowsChangedParamsCommitAndInputs()
    {
        using var g = await SampleGraph.CreateAsync();
        var ix = await g.IndexAsync();
        var ct = CancellationToken.None;
        var a = await LineageClosure.UpstreamAsync(g.Workspace.Metadata, ix, ix.IndexOf(g.Id("churn@1")), long.MaxValue, ct);
        var b = await LineageClosure.UpstreamAsync(g.Workspace.Metadata, ix, ix.IndexOf(g.Id("churn@2")), long.MaxValue, ct);
        var (stages, sources) = LineageDiff.Compare(a, b);
        var train = stages.Single(s => s.Stage == "train");
        Assert.Equal(["git_commit", "params.lr", "inputs.train"], train.Changes.Select(c => c.Field));
        Assert.Equal(("0.1", "0.2"), (train.Changes[1].A, train.Changes[1].B));
        var prepare = stages.Single(s => s.Stage == "prepare");
        Assert.Equal(["inputs.source"], prepare.Changes.Select(c => c.Field));
        Assert.Equal("raw", sources.Single().Field);
    }
}
