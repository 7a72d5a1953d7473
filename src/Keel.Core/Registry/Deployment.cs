using Keel.Objects;

namespace Keel.Registry;

/// <summary>
/// A recorded deploy or rollback. A canary (<see cref="CanaryPercent"/> &gt; 0) leaves the alias
/// where it was and sends that share of traffic to <see cref="Version"/>.
/// </summary>
public sealed record Deployment(
    long Id,
    string RunId,
    string Action,
    string Name,
    string Alias,
    int Version,
    int? PreviousVersion,
    double CanaryPercent,
    Digest? Package,
    long NodeId,
    DateTimeOffset CreatedAt);

/// <summary>A deployment to record; the lineage nodes (the deploy run first) are appended in the same transaction.</summary>
public sealed record NewDeployment(
    string RunId,
    string Action,
    string Name,
    string Alias,
    int Version,
    int? PreviousVersion,
    double CanaryPercent,
    Digest? Package,
    DateTimeOffset CreatedAt);
