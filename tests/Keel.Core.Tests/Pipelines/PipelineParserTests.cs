using Keel.Pipelines;

namespace Keel.Core.Tests.Pipelines;

public sealed class PipelineParserTests
{
    private static PipelineException ParseError(string yaml) =>
        Assert.Throws<PipelineException>(() => PipelineParser.Parse(yaml, "keel.yaml"));

    [Fact]
    public void Parse_FullStage_ReadsEveryKeyWithDefaults()
    {
        // Given a stage using every key, and one using none but cmd
        var yaml = """
            stages:
              train:
                cmd: [make data, make model]
                deps: [src, {path: data/raw.csv}, raw@3]
                params: [train.lr, {conf/p.yaml: [a.b]}]
                outs: [models/m.zip, {path: metrics/m.json, kind: metrics, cache: false}]
                seed: 7
                resources: {cpus: 4, memory: 2G, gpus: 1}
                compare: {metrics/m.json: {method: metrics, abs: 0.01, rel: 0.1, metrics: {auc: 0.002}}}
              plain:
                cmd: echo hi
            """;

        // When parsed
        var p = PipelineParser.Parse(yaml, "keel.yaml");

        // Then every value lands, defaults included
        var train = p.Find("train")!;
        Assert.Equal("make data && make model", train.Command);
        Assert.Equal(["src", "data/raw.csv", "raw@3"], train.Deps.Select(d => d.Path));
        Assert.Equal("raw@3", train.Deps[2].DatasetRef);
        Assert.Null(train.Deps[0].DatasetRef);
        Assert.Equal([("params.yaml", "train.lr"), ("conf/p.yaml", "a.b")], train.Params.Select(x => (x.File, x.Key)));
        Assert.Equal(("models/m.zip", "data", true), (train.Outs[0].Path, train.Outs[0].Kind, train.Outs[0].Cache));
        Assert.Equal(("metrics/m.json", "metrics", false), (train.Outs[1].Path, train.Outs[1].Kind, train.Outs[1].Cache));
        Assert.Equal(7, train.Seed);
        Assert.Equal(new StageResources(4, 2L << 30, 1), train.Resources);
        var rule = Assert.Single(train.Compare);
        Assert.Equal(("metrics", 0.01, 0.1, 0.002), (rule.Method, rule.Abs!.Value, rule.Rel!.Value, rule.PerMetricAbs!["auc"]));
        var plain = p.Find("plain")!;
        Assert.Equal((null, new StageResources(1, 0, 0)), (plain.Seed, plain.Resources));
        Assert.Empty(plain.Deps);
        Assert.Empty(plain.Outs);
    }

    [Fact]
    public void Parse_UnknownStageKey_PointsAtItAndSuggestsTheClosest()
    {
        var e = ParseError("""
            stages:
              train:
                cmd: echo
                outz: [a]
            """);

        Assert.Equal(new SourceSpan("keel.yaml", 4, 5), e.At);
        Assert.Contains("unknown key 'outz' in stage 'train'", e.Message);
        Assert.Contains("did you mean 'outs'?", e.Message);
        Assert.StartsWith("keel.yaml:4:5: ", e.Message);
    }

    [Fact]
    public void Parse_UnknownKeyFarFromAny_ListsTheAllowedKeys()
    {
        var e = ParseError("""
            stages:
              train:
                cmd: echo
                outs: [{path: a, flavour: x}]
            """);

        Assert.Equal(new SourceSpan("keel.yaml", 4, 22), e.At);
        Assert.Contains("unknown key 'flavour' in an output", e.Message);
        Assert.Contains("allowed keys in an output: path, kind, cache", e.Message);
    }

    [Fact]
    public void Parse_UnknownTopLevelKey_IsReported()
    {
        var e = ParseError("stages: {a: {cmd: x}}\nstage: {}\n");

        Assert.Equal(new SourceSpan("keel.yaml", 2, 1), e.At);
        Assert.Contains("unknown key 'stage' in the top level", e.Message);
        Assert.Contains("did you mean 'stages'?", e.Message);
    }

    [Theory]
    [InlineData("seed: abc", 4, 11, "seed must be an integer, got 'abc'")]
    [InlineData("deps: src", 4, 11, "'deps' must be a list")]
    [InlineData("outs: [{path: a, cache: maybe}]", 4, 29, "cache must be true or false, got 'maybe'")]
    [InlineData("outs: [{path: a, kind: weights}]", 4, 28, "unknown output kind 'weights'")]
    [InlineData("resources: {cpus: 0}", 4, 23, "cpus must be at least 1")]
    [InlineData("resources: {memory: lots}", 4, 25, "memory 'lots' is not a size")]
    [InlineData("resources: 4", 4, 16, "'resources' must be a mapping")]
    [InlineData("compare: {a: {method: fuzzy}}", 4, 27, "unknown compare method 'fuzzy'")]
    [InlineData("compare: {a: {abs: -1}}", 4, 24, "abs must be a non-negative number, got '-1'")]
    [InlineData("outs: [/abs/path]", 4, 12, "'/abs/path' is not a workspace-relative path")]
    [InlineData("outs: [../up]", 4, 12, "'../up' is not a workspace-relative path")]
    [InlineData("outs: [.keel/x]", 4, 12, "'.keel/x' is inside .keel/")]
    [InlineData("deps: [[a, b]]", 4, 12, "deps entry must be a single value, not a list")]
    public void Parse_WrongType_GivesLineColumnAndMessage(string line, int row, int column, string message)
    {
        var e = ParseError($"stages:\n  s:\n    cmd: echo\n    {line}\n");

        Assert.Equal(new SourceSpan("keel.yaml", row, column), e.At);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Parse_StageWithoutCmd_PointsAtTheStage()
    {
        var e = ParseError("""
            stages:
              ok:
                cmd: echo
              train:
                deps: [a]
            """);

        Assert.Equal(new SourceSpan("keel.yaml", 5, 5), e.At);
        Assert.Contains("stage 'train' has no 'cmd'", e.Message);
        Assert.Contains("add the command it runs", e.Message);
    }

    [Fact]
    public void Parse_EmptyCmd_IsRejected()
    {
        var e = ParseError("stages:\n  s:\n    cmd: ''\n");

        Assert.Equal(new SourceSpan("keel.yaml", 3, 10), e.At);
        Assert.Contains("stage 's' has an empty 'cmd'", e.Message);
    }

    [Fact]
    public void Parse_BadStageName_IsRejected()
    {
        var e = ParseError("stages:\n  'my stage':\n    cmd: x\n");

        Assert.Equal(new SourceSpan("keel.yaml", 2, 3), e.At);
        Assert.Contains("'my stage' is not a valid stage name", e.Message);
    }

    [Fact]
    public void Parse_BrokenYaml_ReportsWhereAndAsksToFixSyntax()
    {
        var e = ParseError("stages:\n  s:\n    cmd: [echo\n");

        Assert.Equal("keel.yaml", e.At.File);
        Assert.True(e.At.Line >= 3, $"line {e.At.Line}");
        Assert.Contains("fix the YAML syntax", e.Message);
    }

    [Fact]
    public void Parse_NoStagesKey_SaysSo()
    {
        var e = ParseError("params: p.yaml\n");

        Assert.Contains("missing 'stages:' mapping", e.Message);
    }

    [Fact]
    public void Parse_TopLevelParamsFile_IsTheDefaultForBareKeys()
    {
        var p = PipelineParser.Parse("params: conf/params.yaml\nstages:\n  s:\n    cmd: x\n    params: [a.b]\n", "keel.yaml");

        Assert.Equal("conf/params.yaml", p.Stages[0].Params[0].File);
    }
}
