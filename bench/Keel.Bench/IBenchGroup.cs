namespace Keel.Bench;

/// <summary>One group of figures (a row or a few of the README table), each beside its baseline.</summary>
internal interface IBenchGroup
{
    /// <summary>The name <c>--only</c> selects it by.</summary>
    string Name { get; }

    IEnumerable<Figure> Run(BenchContext context);
}

/// <summary>
/// One measured figure and the baseline it is compared with, measured in the same run.
/// Ratio is keel/baseline in the figure's unit: for GB/s above 1 is faster than the baseline,
/// for seconds above 1 is slower.
/// </summary>
internal sealed record Figure(string Group, string Name, double Value, string Unit, string Baseline, double BaselineValue, double Ratio, string? Target = null);
