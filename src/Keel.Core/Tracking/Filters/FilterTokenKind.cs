namespace Keel.Tracking.Filters;

internal enum FilterTokenKind
{
    Word,
    Number,
    String,
    Operator,
    Open,
    Close,
    End,
}
