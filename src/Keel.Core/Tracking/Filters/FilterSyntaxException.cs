namespace Keel.Tracking.Filters;

/// <summary>A filter that does not parse; the message shows the expression with a caret under <see cref="Column"/> (1-based).</summary>
public sealed class FilterSyntaxException(string problem, string expression, int column)
    : KeelException($"filter syntax error at column {column}: {problem}\n  {expression}\n  {new string(' ', Math.Max(0, column - 1))}^")
{
    public int Column { get; } = column;

    public string Problem { get; } = problem;
}
