namespace Keel.Tracking.Filters;

/// <summary>An ordering for run listings: <c>metrics.auc</c> (ascending), <c>-metrics.auc</c> or <c>metrics.auc desc</c> (descending).</summary>
public sealed record RunSort(RunField Field, bool Descending)
{
    /// <summary>Newest first: the default.</summary>
    public static RunSort Default { get; } = new(new RunField(FieldScope.Attribute, "started_at"), true);

    public static RunSort Parse(string text)
    {
        var t = text.Trim();
        var descending = false;
        if (t.StartsWith('-')) (descending, t) = (true, t[1..]);
        else if (t.EndsWith(" desc", StringComparison.OrdinalIgnoreCase)) (descending, t) = (true, t[..^5].Trim());
        else if (t.EndsWith(" asc", StringComparison.OrdinalIgnoreCase)) t = t[..^4].Trim();
        var field = RunField.TryParse(t)
            ?? throw new KeelException($"cannot sort by '{text}': use metrics.KEY, params.KEY, tags.KEY or one of {string.Join(", ", RunField.Attributes)}, optionally with '-' in front or ' desc' after");
        return new RunSort(field, descending);
    }
}
