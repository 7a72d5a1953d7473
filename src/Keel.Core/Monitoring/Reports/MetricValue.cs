namespace Keel.Monitoring;

/// <summary>A performance metric with its 95% confidence interval.</summary>
/// <param name="Name">auc, accuracy or rmse.</param>
/// <param name="Value">Point value.</param>
/// <param name="Low">Lower end of the 95% interval.</param>
/// <param name="High">Upper end of the 95% interval.</param>
/// <param name="Count">Rows behind it (labelled rows, or all scored rows for an estimate).</param>
/// <param name="Estimated">True for the label-free (CBPE-style) estimate; never mixed with realised values.</param>
public sealed record MetricValue(string Name, double Value, double Low, double High, long Count, bool Estimated);
