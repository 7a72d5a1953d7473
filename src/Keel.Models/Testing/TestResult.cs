namespace Keel.Models.Testing;

/// <summary>The outcome of one behaviour test: what was measured against what was required.</summary>
public sealed record TestResult(string Name, string Type, bool Passed, double? Value, double? Threshold, string Detail);

/// <summary>Every test of one model version, and whether all passed.</summary>
public sealed record TestReport(string Model, int Version, bool Passed, IReadOnlyList<TestResult> Results, IReadOnlyList<string> Data)
{
    public IEnumerable<TestResult> Failures => Results.Where(r => !r.Passed);
}
