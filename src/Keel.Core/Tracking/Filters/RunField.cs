namespace Keel.Tracking.Filters;

/// <summary>A field named in a filter or a sort: <c>metrics.auc</c>, <c>params.trainer</c>, <c>tags.team</c>, <c>status</c>.</summary>
public sealed record RunField(FieldScope Scope, string Name)
{
    /// <summary>The run attributes a filter or a sort may name.</summary>
    public static readonly IReadOnlyList<string> Attributes =
        ["id", "name", "experiment", "kind", "status", "user", "host", "exit_code", "seed", "git_commit", "git_branch", "started_at", "ended_at"];

    /// <summary>Parses <c>metrics.KEY</c>, <c>params.KEY</c>, <c>tags.KEY</c> or an attribute; null when it is none of them.</summary>
    public static RunField? TryParse(string text)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0 && dot < text.Length - 1)
        {
            var scope = text[..dot] switch
            {
                "metrics" or "metric" => FieldScope.Metric,
                "params" or "param" => FieldScope.Param,
                "tags" or "tag" => FieldScope.Tag,
                "attributes" or "attr" => FieldScope.Attribute,
                _ => (FieldScope?)null,
            };
            if (scope is null) return null;
            var name = text[(dot + 1)..];
            if (scope == FieldScope.Attribute && !Attributes.Contains(name)) return null;
            return new RunField(scope.Value, name);
        }
        return Attributes.Contains(text) ? new RunField(FieldScope.Attribute, text) : null;
    }

    public override string ToString() => Scope switch
    {
        FieldScope.Metric => "metrics." + Name,
        FieldScope.Param => "params." + Name,
        FieldScope.Tag => "tags." + Name,
        _ => Name,
    };
}
