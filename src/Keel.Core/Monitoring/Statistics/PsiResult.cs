namespace Keel.Monitoring.Statistics;

/// <summary>Population stability index of a current sample against fitted <see cref="PsiBins"/>.</summary>
/// <param name="Value">PSI, finite and non-negative; 0 when data are insufficient.</param>
/// <param name="CurrentCount">Current values scored (NaN excluded).</param>
/// <param name="ExcludedNaN">NaN values dropped from the current sample.</param>
/// <param name="IsSufficient">False when the reference or the current sample had no usable value.</param>
public readonly record struct PsiResult(double Value, long CurrentCount, long ExcludedNaN, bool IsSufficient);
