using System.Globalization;
using Keel.Monitoring;

namespace Keel.Cli.Monitoring;

/// <summary>The human summary of a monitoring pass.</summary>
internal static class MonitorText
{
    private const int DetectableShown = 6;

    public static void Write(MonitorResult result, string? failOn, TextWriter o)
    {
        o.WriteLine($"monitor {result.Model}: {result.Rows} rows from {result.Source}, windows of {result.Window}");
        for (int i = 0; i < result.Windows.Count; i++)
        {
            WindowReport w = result.Windows[i];
            string state = result.States[i].ToString().ToLowerInvariant();
            o.WriteLine($"  [{state,-5}] window {w.Index} ({w.Label}, {w.Rows} rows){(w.Insufficient ? " too few rows" : "")}: " +
                $"{w.Features.Count(f => f.Drifted)} of {w.Features.Count} features drift");
            foreach (string reason in w.Reasons.Take(8)) o.WriteLine($"      {reason}");
            if (w.Reasons.Count > 8) o.WriteLine($"      ... {w.Reasons.Count - 8} more (see --json or --report)");
            if (w.Features.Count > 0) o.WriteLine($"      {Detectable(w.Features)}");
            if (w.Performance is { } p)
            {
                foreach (MetricValue m in p.Realised.Concat(p.Estimated))
                    o.WriteLine($"      {(m.Estimated ? "estimated " : "")}{m.Name} {F(m.Value)} [{F(m.Low)}, {F(m.High)}] over {m.Count} rows{(m.Estimated ? $" (no labels needed; calibration {p.Calibration})" : "")}");
            }
        }
        foreach (string note in result.Notes) o.WriteLine($"  note: {note}");
        o.WriteLine(result.Alerted
            ? $"ALERT: sustained drift or failure in {result.States.Count(s => s == Severity.Alert)} window(s); state now {result.State.ToString().ToLowerInvariant()}"
            : $"no sustained alert; state now {result.State.ToString().ToLowerInvariant()}");
        if (failOn is not null) o.WriteLine(Gate(result, failOn));
    }

    /// <summary>The one line a CI log needs: what --fail-on checked and what it found.</summary>
    private static string Gate(MonitorResult result, string failOn)
    {
        int hits = failOn == "drift" ? result.DriftedWindows : result.AlertingWindows;
        int judged = result.Windows.Count - result.InsufficientWindows;
        string what = failOn == "drift" ? "a drift verdict" : "an alert verdict";
        if (hits > 0) return $"FAIL (--fail-on {failOn}): {hits} of {judged} judged window(s) with {what}";
        if (judged == 0)
            return $"pass (--fail-on {failOn}) with nothing judged: {(result.Windows.Count == 0 ? "no rows" : "too few rows in every window or in the reference")}, so no verdict either way";
        return $"pass (--fail-on {failOn}): none of {judged} judged window(s) with {what}";
    }

    // Per feature, the smallest effect this window's counts can tell from chance, in the unit of the metric that decides.
    private static string Detectable(IReadOnlyList<FeatureDrift> features)
    {
        var shown = features.Take(DetectableShown).Select(f => $"{f.Feature} {Effect(f.EffectMetric, f.MinimumDetectableEffect)}");
        string more = features.Count > DetectableShown ? $", {features.Count - DetectableShown} more in --json" : "";
        return $"minimum detectable effect: {string.Join(", ", shown)}{more} (smaller shifts cannot be told from chance at this n)";
    }

    private static string Effect(string metric, double? value) => value is not double v ? "none at this n"
        : metric switch
        {
            "wasserstein" => $"{F(v)} sd",
            "cramers_v" => $"V {F(v)}",
            _ => $"{metric} {F(v)}",
        };

    private static string F(double x) => x.ToString("0.000", CultureInfo.InvariantCulture);
}
