namespace Keel.Tracking.Filters;

/// <summary>Where a filter or sort field lives: <c>metrics.</c>, <c>params.</c>, <c>tags.</c> or a run attribute.</summary>
public enum FieldScope
{
    Metric,
    Param,
    Tag,
    Attribute,
}
