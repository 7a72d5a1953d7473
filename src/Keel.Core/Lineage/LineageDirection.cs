namespace Keel.Lineage;

/// <summary>Which way a lineage query walks from its node.</summary>
public enum LineageDirection
{
    /// <summary>Toward what it came from (ancestors).</summary>
    Up,

    /// <summary>Toward what it fed (descendants).</summary>
    Down,

    /// <summary>Both ancestors and descendants.</summary>
    Both,
}
