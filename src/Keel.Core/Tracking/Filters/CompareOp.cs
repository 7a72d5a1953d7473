namespace Keel.Tracking.Filters;

/// <summary>The comparison operators of the filter language.</summary>
public enum CompareOp
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}
