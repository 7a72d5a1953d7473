using Keel.Pipelines;

namespace Keel.Core.Tests.Pipelines;

public sealed class ForeachExpansionTests
{
    [Fact]
    public void Parse_ForeachOverList_MakesOneStagePerValueWithItemSubstituted()
    {
        var p = PipelineParser.Parse("""
            stages:
              sweep:
                foreach: [0.1, 0.01]
                do:
                  cmd: train --lr ${item} --out models/lr-${item}.zip
                  outs:
                    - models/lr-${item}.zip
            """, "keel.yaml");

        Assert.Equal(["sweep@0.1", "sweep@0.01"], p.Stages.Select(s => s.Name));
        Assert.Equal("train --lr 0.01 --out models/lr-0.01.zip", p.Stages[1].Command);
        Assert.Equal("models/lr-0.01.zip", p.Stages[1].Outs[0].Path);
    }

    [Fact]
    public void Parse_ForeachValueWithOddCharacters_GetsASafeSuffix()
    {
        var p = PipelineParser.Parse("stages:\n  s:\n    foreach: ['a b/c']\n    do:\n      cmd: echo '${item}'\n", "keel.yaml");

        Assert.Equal("s@a_b_c", p.Stages[0].Name);
        Assert.Equal("echo 'a b/c'", p.Stages[0].Command);
    }

    [Fact]
    public void Parse_ForeachOverListOfMaps_SubstitutesItemFieldsAndNumbersTheStages()
    {
        var p = PipelineParser.Parse("""
            stages:
              train:
                foreach:
                  - {trainer: fasttree, trees: 100}
                  - {trainer: lightgbm, trees: 50}
                do:
                  cmd: train --trainer ${item.trainer} --trees ${item.trees}
                  seed: ${item.trees}
                  outs: ["models/${item.trainer}.zip"]
            """, "keel.yaml");

        Assert.Equal(["train@0", "train@1"], p.Stages.Select(s => s.Name));
        Assert.Equal("train --trainer lightgbm --trees 50", p.Stages[1].Command);
        Assert.Equal(50, p.Stages[1].Seed);
        Assert.Equal("models/lightgbm.zip", p.Stages[1].Outs[0].Path);
    }

    [Fact]
    public void Parse_ForeachOverMap_SubstitutesKeyAndItemFields()
    {
        var p = PipelineParser.Parse("""
            stages:
              eval:
                foreach:
                  us: {rows: 100}
                  eu: {rows: 200}
                do:
                  cmd: eval --region ${key} --rows ${item.rows}
                  outs:
                    - metrics/${key}.json
              plain:
                foreach: {small: 1, big: 9}
                do:
                  cmd: echo ${key}=${item}
            """, "keel.yaml");

        Assert.Equal(["eval@us", "eval@eu", "plain@small", "plain@big"], p.Stages.Select(s => s.Name));
        Assert.Equal("eval --region eu --rows 200", p.Stages[1].Command);
        Assert.Equal("metrics/eu.json", p.Stages[1].Outs[0].Path);
        Assert.Equal("echo big=9", p.Stages[3].Command);
    }

    [Fact]
    public void Parse_UnknownVariable_PointsAtTheValueAndListsWhatIsAvailable()
    {
        var e = Assert.Throws<PipelineException>(() => PipelineParser.Parse("""
            stages:
              sweep:
                foreach: [a, b]
                do:
                  cmd: echo ${item.name}
            """, "keel.yaml"));

        Assert.Equal(new SourceSpan("keel.yaml", 5, 12), e.At);
        Assert.Contains("unknown variable '${item.name}'", e.Message);
        Assert.Contains("available: ${item}", e.Message);
    }

    [Fact]
    public void Parse_ForeachWithoutDo_IsRejected()
    {
        var e = Assert.Throws<PipelineException>(() => PipelineParser.Parse("stages:\n  s:\n    foreach: [a]\n    cmd: x\n", "keel.yaml"));

        Assert.Equal(new SourceSpan("keel.yaml", 3, 5), e.At);
        Assert.Contains("has 'foreach' but no 'do:' mapping", e.Message);
    }

    [Fact]
    public void Parse_EmptyForeach_IsRejected()
    {
        var e = Assert.Throws<PipelineException>(() => PipelineParser.Parse("stages:\n  s:\n    foreach: []\n    do: {cmd: x}\n", "keel.yaml"));

        Assert.Equal(new SourceSpan("keel.yaml", 3, 14), e.At);
        Assert.Contains("'foreach' is empty", e.Message);
    }

    [Fact]
    public void Parse_UnknownKeyInsideDo_IsReported()
    {
        var e = Assert.Throws<PipelineException>(() => PipelineParser.Parse("stages:\n  s:\n    foreach: [a]\n    do:\n      cmd: x\n      sead: 1\n", "keel.yaml"));

        Assert.Equal(new SourceSpan("keel.yaml", 6, 7), e.At);
        Assert.Contains("unknown key 'sead' in stage 's' do:", e.Message);
        Assert.Contains("did you mean 'seed'?", e.Message);
    }
}
