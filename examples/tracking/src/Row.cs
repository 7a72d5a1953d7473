using Microsoft.ML.Data;

namespace Keel.Examples.Tracking;

/// <summary>One generated customer: three numeric features and whether they churned.</summary>
internal sealed class Row
{
    [LoadColumn(0)]
    public float Tenure { get; set; }

    [LoadColumn(1)]
    public float Spend { get; set; }

    [LoadColumn(2)]
    public float Tickets { get; set; }

    [LoadColumn(3)]
    public bool Label { get; set; }
}
