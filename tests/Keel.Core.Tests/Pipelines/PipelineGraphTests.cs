using Keel.Pipelines;

namespace Keel.Core.Tests.Pipelines;

public sealed class PipelineGraphTests
{
    private static PipelineGraph Build(string yaml, params string[] existing) =>
        PipelineGraph.Build(PipelineParser.Parse(yaml, "keel.yaml"), existing.Contains);

    private static PipelineException BuildError(string yaml, params string[] existing) =>
        Assert.Throws<PipelineException>(() => Build(yaml, existing));

    [Fact]
    public void Build_Cycle_NamesEveryStageInIt()
    {
        var e = BuildError("""
            stages:
              a:
                cmd: x
                deps: [c.txt]
                outs: [a.txt]
              b:
                cmd: x
                deps: [a.txt]
                outs: [b.txt]
              c:
                cmd: x
                deps: [b.txt]
                outs: [c.txt]
            """);

        Assert.Contains("the stages form a cycle: a -> c -> b -> a", e.Message);
        Assert.Equal(new SourceSpan("keel.yaml", 3, 5), e.At);
        Assert.Contains("break it by removing one of these dependencies", e.Message);
    }

    [Fact]
    public void Build_StageReadingItsOwnOutput_IsRejected()
    {
        var e = BuildError("stages:\n  a:\n    cmd: x\n    deps: [out/a.txt]\n    outs: [out]\n");

        Assert.Equal(new SourceSpan("keel.yaml", 4, 12), e.At);
        Assert.Contains("stage 'a' depends on its own output 'out'", e.Message);
    }

    [Fact]
    public void Build_DuplicateOutput_PointsAtTheSecondWriter()
    {
        var e = BuildError("""
            stages:
              a:
                cmd: x
                outs: [data/x.csv]
              b:
                cmd: y
                outs: [other.csv, data/x.csv]
            """);

        Assert.Equal(new SourceSpan("keel.yaml", 7, 23), e.At);
        Assert.Contains("'data/x.csv' is an output of both 'a' and 'b'", e.Message);
        Assert.Contains("each path can be written by one stage only", e.Message);
    }

    [Fact]
    public void Build_OutputInsideAnotherOutput_IsRejected()
    {
        var e = BuildError("""
            stages:
              a:
                cmd: x
                outs: [data]
              b:
                cmd: y
                outs: [data/features/train.csv]
            """);

        Assert.Equal(new SourceSpan("keel.yaml", 7, 12), e.At);
        Assert.Contains("output 'data/features/train.csv' of 'b' is inside output 'data' of 'a'", e.Message);
    }

    [Fact]
    public void Build_MissingDependency_NamesPathAndStage()
    {
        var e = BuildError("stages:\n  a:\n    cmd: x\n    deps: [here.txt, gone.txt]\n", "here.txt");

        Assert.Equal(new SourceSpan("keel.yaml", 4, 22), e.At);
        Assert.Contains("dependency 'gone.txt' of stage 'a' does not exist and no stage produces it", e.Message);
    }

    [Fact]
    public void Build_DatasetDependency_NeedsNoFile()
    {
        var g = Build("stages:\n  a:\n    cmd: x\n    deps: [raw@3, raw@latest]\n");

        Assert.Empty(g.Upstream("a"));
    }

    [Fact]
    public void Build_DepInsideOrAroundAnOutput_LinksTheStages_AndOrdersThem()
    {
        // Given stages listed out of order: c reads inside b's folder, b reads a folder holding a's file
        var g = Build("""
            stages:
              c:
                cmd: x
                deps: [feat/train.csv]
              b:
                cmd: x
                deps: [raw]
                outs: [feat]
              a:
                cmd: x
                outs: [raw/data.csv]
              d:
                cmd: x
            """);

        Assert.Equal(["a", "b", "c", "d"], g.Order.Select(s => s.Name));
        Assert.Equal(["b"], g.Upstream("c"));
        Assert.Equal(["a"], g.Upstream("b"));
        Assert.Equal(["c"], g.Downstream("b"));
        Assert.Equal(["a", "b"], g.Closure(["b"]).Select(s => s.Name));
    }

    [Fact]
    public void ToDot_And_ToMermaid_ListNodesAndEdges()
    {
        var g = Build("stages:\n  a:\n    cmd: x\n    outs: [a.txt]\n  b:\n    cmd: x\n    deps: [a.txt]\n");

        Assert.Equal("digraph pipeline {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n  \"a\";\n  \"b\";\n  \"a\" -> \"b\";\n}\n", g.ToDot());
        Assert.Equal("flowchart LR\n  s0[\"a\"]\n  s1[\"b\"]\n  s0 --> s1\n", g.ToMermaid());
        Assert.Equal("a\nb <- a\n", g.ToText());
    }
}
