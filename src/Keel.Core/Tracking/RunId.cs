using System.Diagnostics.CodeAnalysis;

namespace Keel.Tracking;

/// <summary>A run's id: a UUIDv7 (time-ordered), written as 32 lower-case hex digits.</summary>
public readonly record struct RunId : IComparable<RunId>
{
    private RunId(Guid value) => Value = value;

    public Guid Value { get; }

    /// <summary>A new id whose time part is the provider's current time, so ids sort by start.</summary>
    public static RunId New(TimeProvider time) => new(Guid.CreateVersion7(time.GetUtcNow()));

    public static RunId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new KeelException($"'{text}' is not a run id: expected 32 hex digits");

    public static bool TryParse([NotNullWhen(true)] string? text, out RunId id)
    {
        id = default;
        if (text is null || text.Length != 32 || !Guid.TryParseExact(text, "N", out var g)) return false;
        id = new RunId(g);
        return true;
    }

    public int CompareTo(RunId other) => string.CompareOrdinal(ToString(), other.ToString());

    public override string ToString() => Value.ToString("N");

    /// <summary>The first 12 hex digits, for people; any unique prefix resolves.</summary>
    public string Short => ToString()[..12];
}
