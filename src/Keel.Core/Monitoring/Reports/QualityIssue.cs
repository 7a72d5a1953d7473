namespace Keel.Monitoring;

/// <summary>A data-quality finding in one window.</summary>
/// <param name="Feature">Feature concerned, or null for the window as a whole.</param>
/// <param name="Code">Stable code: feature_absent, unknown_columns, type_violation, missing_rate, unseen_categories, out_of_range, non_finite, constant, clock_skew, insufficient.</param>
/// <param name="Severity">Warn or alert.</param>
/// <param name="Message">One line for a human.</param>
/// <param name="Value">The measured share or count behind the finding.</param>
public sealed record QualityIssue(string? Feature, string Code, Severity Severity, string Message, double Value);
