using Keel.Pipelines;

namespace Keel.Core.Tests.Pipelines;

public sealed class CommandInterpolationTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("keel-interp-").FullName;

    private StageDefinition Stage(string yaml, string name = "train")
    {
        File.WriteAllText(Path.Combine(_root, "keel.yaml"), yaml);
        var p = PipelineParser.Parse(yaml, "keel.yaml");
        _vars = p.VarsFiles;
        return p.Find(name)!;
    }

    private IReadOnlyList<string> _vars = [];

    private StageDefinition Resolve(StageDefinition s) => CommandInterpolation.Resolve(s, _vars, new ParamsReader(_root));

    [Fact]
    public void Resolve_KeyOfDefaultParamsFile_PutsTheValueInTheCommandAndTheStageParams()
    {
        File.WriteAllText(Path.Combine(_root, "params.yaml"), "train:\n  trees: 200\n  lr: 0.1\n");
        var s = Resolve(Stage("stages:\n  train:\n    cmd: train --trees ${train.trees}\n"));

        Assert.Equal("train --trees 200", s.Command);
        var p = Assert.Single(s.Params);
        Assert.Equal(("params.yaml", "train.trees"), (p.File, p.Key));
    }

    [Fact]
    public void Resolve_KeyOfADeclaredParamsFile_IsFoundThere()
    {
        File.WriteAllText(Path.Combine(_root, "conf.yaml"), "model:\n  depth: 7\n");
        var s = Resolve(Stage("stages:\n  train:\n    cmd: t --depth ${model.depth}\n    params: [{conf.yaml: [model.depth]}]\n"));

        Assert.Equal("t --depth 7", s.Command);
        Assert.Single(s.Params);
    }

    [Fact]
    public void Resolve_ChangedValue_ChangesTheRecipe()
    {
        var yaml = "stages:\n  train:\n    cmd: t ${train.trees}\n";
        File.WriteAllText(Path.Combine(_root, "params.yaml"), "train:\n  trees: 1\n");
        var a = Resolve(Stage(yaml));
        File.WriteAllText(Path.Combine(_root, "params.yaml"), "train:\n  trees: 2\n");
        var b = Resolve(Stage(yaml));

        Recipe R(StageDefinition s) => new(s.Name, s.Command, [], s.Params.Select(p => KeyValuePair.Create($"{p.File}:{p.Key}", "v")).ToList(), null, s.Outs, "env");
        Assert.NotEqual(R(a).Digest, R(b).Digest);
    }

    [Fact]
    public void Parse_InlineVarsWithNestedKeys_FillCommandAndPathsWhenRead()
    {
        var s = Stage("""
            vars:
              - {data: {name: events}, top: 3}
            stages:
              train:
                cmd: head -n ${top} data/${data.name}.csv > out/${data.name}.txt
                deps:
                  - data/${data.name}.csv
                outs: ["out/${data.name}.txt"]
            """);

        Assert.Equal("head -n 3 data/events.csv > out/events.txt", s.Command);
        Assert.Equal("data/events.csv", s.Deps[0].Path);
        Assert.Equal("out/events.txt", s.Outs[0].Path);
    }

    [Fact]
    public void Resolve_VarsFile_IsReadWhenTheStageRunsAndComesBeforeParams()
    {
        File.WriteAllText(Path.Combine(_root, "params.yaml"), "a:\n  b: from-params\n");
        File.WriteAllText(Path.Combine(_root, "vars.yaml"), "a:\n  b: from-vars\n");
        var s = Resolve(Stage("vars: [vars.yaml]\nstages:\n  train:\n    cmd: echo ${a.b}\n"));

        Assert.Equal("echo from-vars", s.Command);
        Assert.Equal("vars.yaml", Assert.Single(s.Params).File);
    }

    [Fact]
    public void Resolve_MissingVarsFile_NamesItAndTheStage()
    {
        var e = Assert.Throws<PipelineException>(() => Resolve(Stage("vars: [gone.yaml]\nstages:\n  train:\n    cmd: echo ${a}\n")));

        Assert.Contains("stage 'train'", e.Message);
        Assert.Contains("'gone.yaml' does not exist", e.Message);
    }

    [Fact]
    public void Resolve_UnknownKey_OneLineNamingStageKeyAndWhereItLooked()
    {
        File.WriteAllText(Path.Combine(_root, "params.yaml"), "train:\n  trees: 1\n");
        var e = Assert.Throws<PipelineException>(() => Resolve(Stage("stages:\n  train:\n    cmd: t ${train.tres}\n")));

        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith("keel.yaml:3:5: stage 'train': '${train.tres}' in cmd is not a key of params.yaml", e.Message);
    }

    [Fact]
    public void Resolve_ShellVariablesAndEscapes_AreLeftToBash()
    {
        var s = Resolve(Stage("stages:\n  train:\n    cmd: echo ${HOME} ${KEEL_SEED} \\${lower} > x\n"));

        Assert.Equal("echo ${HOME} ${KEEL_SEED} ${lower} > x", s.Command);
        Assert.Empty(s.Params);
    }

    [Fact]
    public void Resolve_CommandWithoutPlaceholders_IsTheSameStage()
    {
        var stage = Stage("stages:\n  train:\n    cmd: echo hi\n");

        Assert.Same(stage, Resolve(stage));
    }

    [Fact]
    public void PipelineCache_VarsFiles_SurviveTheRoundTrip()
    {
        var p = PipelineParser.Parse("vars: [a.yaml, {x: 1}]\nstages:\n  s:\n    cmd: echo ${x} ${y}\n", "keel.yaml");
        var decoded = PipelineCacheCodec.Decode(PipelineCacheCodec.Encode(new PipelineCacheFile([], p, [], [])));

        Assert.Equal(["a.yaml"], decoded.Pipeline.VarsFiles);
        Assert.Equal("echo 1 ${y}", decoded.Pipeline.Stages[0].Command);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
