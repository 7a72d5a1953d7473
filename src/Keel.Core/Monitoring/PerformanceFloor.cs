namespace Keel.Monitoring;

/// <summary>The worst acceptable performance: <c>auc</c> or <c>accuracy</c> at least <see cref="Value"/>, or <c>rmse</c> at most it.</summary>
public sealed record PerformanceFloor(string Metric, double Value)
{
    /// <summary>Metrics a floor can name.</summary>
    public static readonly IReadOnlyList<string> Metrics = ["auc", "accuracy", "rmse"];

    /// <summary>True when larger values of the metric are better.</summary>
    public bool HigherIsBetter => Metric != "rmse";
}
