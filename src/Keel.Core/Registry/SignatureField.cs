namespace Keel.Registry;

/// <summary>
/// One input field of a model: its name and type, and what training data showed about it
/// (range, categories seen, whether values were missing), for validation and monitoring.
/// </summary>
public sealed record SignatureField(
    string Name,
    FieldType Type,
    bool AllowsMissing,
    double? Min,
    double? Max,
    IReadOnlyList<string>? Categories);
