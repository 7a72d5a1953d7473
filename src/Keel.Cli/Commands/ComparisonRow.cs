namespace Keel.Cli.Commands;

/// <summary>One row of <c>keel runs compare</c>: a field and its value in each run.</summary>
internal sealed record ComparisonRow(string Field, IReadOnlyList<string?> Values)
{
    public bool Differs => Values.Distinct(StringComparer.Ordinal).Count() > 1;
}
