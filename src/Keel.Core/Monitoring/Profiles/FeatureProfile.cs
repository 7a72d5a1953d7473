using Keel.Registry;

namespace Keel.Monitoring.Profiles;

/// <summary>
/// One feature of the reference data: type, count, missing rate and range; for numbers the
/// sorted values (small samples) or quantile bins, for categories their frequencies.
/// </summary>
/// <param name="SortedValues">Every non-missing value, ascending, when there are at most <see cref="ProfileBuilder.ExactLimit"/>.</param>
/// <param name="Quantiles">Otherwise the 0, 0.001, ..., 1 quantiles (1,001 values, type 7 interpolation).</param>
public sealed record FeatureProfile(
    string Name,
    FieldType Type,
    long Count,
    long Missing,
    double MissingRate,
    double? Min,
    double? Max,
    double? Mean,
    double? StdDev,
    IReadOnlyList<double>? SortedValues,
    IReadOnlyList<double>? Quantiles,
    IReadOnlyDictionary<string, long>? Categories);
