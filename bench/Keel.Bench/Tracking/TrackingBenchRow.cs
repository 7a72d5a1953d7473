namespace Keel.Bench.Tracking;

/// <summary>One figure of the tracking benchmark beside the baseline measured in the same run.</summary>
public sealed record TrackingBenchRow(string Name, double Value, string Unit, double? Baseline, string? BaselineName, string Note)
{
    public double? Ratio => Baseline is { } b && b != 0 ? Value / b : null;

    public override string ToString() =>
        $"{Name}: {Value:0.###} {Unit}" + (Baseline is { } b ? $" vs {BaselineName} {b:0.###} {Unit} (ratio {Ratio:0.###})" : "") + $"  [{Note}]";
}
