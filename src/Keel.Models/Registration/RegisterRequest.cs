namespace Keel.Models.Registration;

/// <summary>
/// What <c>keel models register</c> was asked: a model from a run's output (<c>RUN[:OUTPUT]</c>)
/// or a file, its flavor, the training data to capture the signature from, and card fields.
/// </summary>
public sealed record RegisterRequest(
    string Name,
    string? FromRun,
    string? Path,
    string? Flavor,
    string? Train,
    string? Description,
    string? Owner,
    string? IntendedUse,
    string? MetricsFile,
    string Cwd);
