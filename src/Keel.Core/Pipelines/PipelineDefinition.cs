namespace Keel.Pipelines;

/// <summary>Where something was written in keel.yaml, for error messages.</summary>
public readonly record struct SourceSpan(string File, long Line, long Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <summary>An input of a stage: a workspace path, or a dataset version such as <c>raw@3</c>.</summary>
public sealed record DepSpec(string Path, string? DatasetRef, SourceSpan At);

/// <summary>An output of a stage, with its artifact kind and whether it is cached.</summary>
public sealed record OutSpec(string Path, string Kind, bool Cache, SourceSpan At);

/// <summary>A param a stage reads: a dotted key in a params file.</summary>
public sealed record ParamRef(string File, string Key, SourceSpan At);

/// <summary>How reproduction compares an output: exact, model, predictions or metrics, with tolerances.</summary>
/// <param name="Score">For predictions: the command that scores the probe set, with {model}, {probe} and {out} placeholders.</param>
public sealed record CompareRule(string Path, string Method, double? Abs, double? Rel, string? Probe, IReadOnlyDictionary<string, double>? PerMetricAbs, SourceSpan At, string? Score = null);

/// <summary>What an executor should reserve for a stage.</summary>
public sealed record StageResources(int Cpus, long MemoryBytes, int Gpus);

/// <summary>One stage after foreach expansion.</summary>
public sealed record StageDefinition(
    string Name,
    string Command,
    IReadOnlyList<DepSpec> Deps,
    IReadOnlyList<ParamRef> Params,
    IReadOnlyList<OutSpec> Outs,
    int? Seed,
    StageResources Resources,
    IReadOnlyList<CompareRule> Compare,
    SourceSpan At);

/// <summary>A parsed keel.yaml: stages in file order.</summary>
public sealed record PipelineDefinition(string File, IReadOnlyList<StageDefinition> Stages)
{
    /// <summary>The <c>monitor:</c> policy, when keel.yaml declares one.</summary>
    public Keel.Monitoring.MonitorPolicy? Monitor { get; init; }

    /// <summary>The YAML files <c>vars:</c> names, read when a stage's command is resolved.</summary>
    public IReadOnlyList<string> VarsFiles { get; init; } = [];

    public StageDefinition? Find(string name) => Stages.FirstOrDefault(s => s.Name == name);
}
