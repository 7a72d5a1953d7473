namespace Keel.Pipelines;

/// <summary>A mistake in keel.yaml: says where (file:line:column), what, and how to fix it.</summary>
public sealed class PipelineException(SourceSpan at, string message, string hint)
    : KeelException($"{at}: {message}; {hint}")
{
    public SourceSpan At { get; } = at;
}
