using System.Globalization;
using System.Text;

namespace Keel.Monitoring;

/// <summary>
/// Renders the latest monitoring state as Prometheus text exposition (version 0.0.4): the seam the server's
/// /metrics endpoint serves, and what <see cref="PrometheusFileSink"/> writes for node_exporter's textfile collector.
/// </summary>
public static class PrometheusExposition
{
    /// <summary>Gauges for one model after one window.</summary>
    public static string Render(AlertEvent alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var s = new StringBuilder();
        string m = Escape(alert.Model);
        Gauge(s, "keel_monitor_alert_state", "Sustained state after persistence: 0 ok, 1 warn, 2 alert.", $"{{model=\"{m}\"}}", (int)alert.State);
        Gauge(s, "keel_monitor_window_rows", "Rows in the latest window.", $"{{model=\"{m}\"}}", alert.Window.Rows);
        Gauge(s, "keel_monitor_drifted_features", "Features drifting in the latest window.", $"{{model=\"{m}\"}}", alert.Window.Features.Count(f => f.Drifted));
        Header(s, "keel_monitor_feature_effect", "Effect size per feature in the latest window.");
        foreach (FeatureDrift f in alert.Window.Features)
        {
            Line(s, "keel_monitor_feature_effect", $"{{model=\"{m}\",feature=\"{Escape(f.Feature)}\",metric=\"{f.EffectMetric}\"}}", f.Effect);
        }

        Header(s, "keel_monitor_feature_drift", "1 when the feature drifts in the latest window.");
        foreach (FeatureDrift f in alert.Window.Features)
        {
            Line(s, "keel_monitor_feature_drift", $"{{model=\"{m}\",feature=\"{Escape(f.Feature)}\"}}", f.Drifted ? 1 : 0);
        }

        if (alert.Window.Performance is { } p)
        {
            Header(s, "keel_monitor_performance", "Performance in the latest window; estimated=\"true\" is the label-free estimate.");
            foreach (MetricValue v in p.Realised.Concat(p.Estimated))
            {
                Line(s, "keel_monitor_performance", $"{{model=\"{m}\",metric=\"{v.Name}\",estimated=\"{(v.Estimated ? "true" : "false")}\"}}", v.Value);
            }
        }

        return s.ToString();
    }

    private static void Gauge(StringBuilder s, string name, string help, string labels, double value)
    {
        Header(s, name, help);
        Line(s, name, labels, value);
    }

    private static void Header(StringBuilder s, string name, string help) =>
        s.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" gauge\n");

    private static void Line(StringBuilder s, string name, string labels, double value) =>
        s.Append(name).Append(labels).Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');

    private static string Escape(string v) => v.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
