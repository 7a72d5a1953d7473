using System.Globalization;
using System.Net;
using System.Text;
using Keel.Monitoring;
using Keel.Monitoring.Profiles;

namespace Keel.Cli.Monitoring;

/// <summary>A self-contained HTML report: no scripts, no external files; plots are inline SVG.</summary>
internal static class MonitorReportHtml
{
    public static string Render(ReferenceProfile reference, MonitorResult result, IReadOnlyList<WindowProfile> windows)
    {
        var h = new StringBuilder();
        h.Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>keel monitor ").Append(E(result.Model)).Append("</title><style>")
         .Append("body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}")
         .Append("td:first-child,th:first-child{text-align:left}.alert{background:#fdd}.warn{background:#ffe9b3}.ok{background:#e6f4e6}svg{max-width:100%;height:auto}</style></head><body>");
        h.Append("<h1>keel monitor: ").Append(E(result.Model)).Append("</h1>");
        h.Append("<p>").Append(result.Rows).Append(" rows from ").Append(E(result.Source)).Append(", windows of ").Append(E(result.Window))
         .Append("; reference: ").Append(E(reference.Source)).Append(" (").Append(reference.Rows).Append(" rows). State: <b class=\"")
         .Append(Css(result.State)).Append("\">").Append(Css(result.State)).Append("</b>.</p>");
        h.Append("<p>A feature drifts only when its test is significant after Benjamini-Hochberg across features (q = ")
         .Append(F(0.05)).Append(" by default) and its effect size reaches its threshold; an alert needs persistence across windows. ")
         .Append("The minimum detectable effect is the smallest effect the test can tell from chance with the window's counts: a smaller shift goes unseen.</p>");
        foreach (string note in result.Notes) h.Append("<p><b>Note:</b> ").Append(E(note)).Append("</p>");

        h.Append("<h2>Windows</h2><table><tr><th>window</th><th>rows</th><th>window severity</th><th>state</th><th>drifted</th><th>reasons</th></tr>");
        for (int i = 0; i < result.Windows.Count; i++)
        {
            WindowReport w = result.Windows[i];
            h.Append("<tr class=\"").Append(Css(result.States[i])).Append("\"><td>").Append(E(w.Label)).Append("</td><td>").Append(w.Rows).Append("</td><td>")
             .Append(Css(w.Severity)).Append(w.Insufficient ? " (insufficient)" : "").Append("</td><td>").Append(Css(result.States[i])).Append("</td><td>")
             .Append(E(string.Join(", ", w.Features.Where(f => f.Drifted).Select(f => f.Feature)))).Append("</td><td style=\"text-align:left\">")
             .Append(E(string.Join("; ", w.Reasons.Take(4)))).Append(w.Reasons.Count > 4 ? " ..." : "").Append("</td></tr>");
        }
        h.Append("</table>");
        if (result.Windows.Count > 0)
        {
            h.Append("<h2>Drift over time</h2>").Append(MonitorPlots.EffectsOverTime(result, 8));
            if (MonitorPlots.PerformanceOverTime(result) is { } perf) h.Append("<h2>Performance over time</h2>").Append(perf);
            int focus = Enumerable.Range(0, result.Windows.Count).LastOrDefault(i => result.Windows[i].Severity == Severity.Alert, result.Windows.Count - 1);
            FeatureTable(h, result.Windows[focus]);
            Distributions(h, reference, result.Windows[focus], windows[focus]);
        }
        h.Append("</body></html>\n");
        return h.ToString();
    }

    private static void FeatureTable(StringBuilder h, WindowReport w)
    {
        h.Append("<h2>Features in window ").Append(E(w.Label)).Append("</h2><table><tr><th>feature</th><th>test</th><th>statistic</th><th>p</th><th>BH p</th><th>effect</th><th>threshold</th><th>min. detectable</th><th>PSI</th><th>Wasserstein/sd</th><th>Cramér's V</th><th>JS</th><th>status</th></tr>");
        foreach (FeatureDrift f in w.Features.Concat(w.Prediction is null ? [] : [w.Prediction]))
        {
            h.Append("<tr class=\"").Append(f.Drifted ? "alert" : f.Status == "small_effect" ? "warn" : "ok").Append("\"><td>").Append(E(f.Feature)).Append("</td><td>")
             .Append(f.Test).Append(' ').Append(f.Method).Append("</td><td>").Append(F(f.Statistic)).Append("</td><td>").Append(P(f.PValue)).Append("</td><td>")
             .Append(P(f.AdjustedPValue)).Append("</td><td>").Append(f.EffectMetric).Append(' ').Append(F(f.Effect)).Append("</td><td>").Append(F(f.Threshold)).Append("</td><td>")
             .Append(f.MinimumDetectableEffect is double mde ? F(mde) : "none at this n").Append("</td><td>").Append(O(f.Psi)).Append("</td><td>").Append(O(f.Wasserstein)).Append("</td><td>").Append(O(f.CramersV)).Append("</td><td>").Append(O(f.JensenShannon))
             .Append("</td><td>").Append(f.Status).Append("</td></tr>");
        }
        h.Append("</table>");
        if (w.Quality.Count > 0)
        {
            h.Append("<h3>Data quality</h3><ul>");
            foreach (QualityIssue q in w.Quality) h.Append("<li>").Append(Css(q.Severity)).Append(": ").Append(E(q.Message)).Append("</li>");
            h.Append("</ul>");
        }
    }

    private static void Distributions(StringBuilder h, ReferenceProfile reference, WindowReport w, WindowProfile profile)
    {
        h.Append("<h2>Reference against current, window ").Append(E(w.Label)).Append("</h2>");
        foreach (FeatureDrift f in w.Features.OrderByDescending(f => f.Drifted).ThenByDescending(f => f.Effect / Math.Max(f.Threshold, 1e-12)).Take(8))
        {
            FeatureReference? r = reference.Find(f.Feature);
            if (r?.Numeric is { } n && profile.NumericFeature(f.Feature) is { Count: > 0 } ns) h.Append(MonitorPlots.Numeric(f.Feature, n, ns));
            else if (r?.Categorical is { } c && profile.CategoricalFeature(f.Feature) is { Count: > 0 } cs) h.Append(MonitorPlots.Categorical(f.Feature, c, cs));
        }
    }

    private static string Css(Severity s) => s.ToString().ToLowerInvariant();

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string F(double x) => x.ToString("0.####", CultureInfo.InvariantCulture);

    private static string O(double? x) => x is double v ? F(v) : "";

    private static string P(double p) => p.ToString("0.##E+0", CultureInfo.InvariantCulture);
}
