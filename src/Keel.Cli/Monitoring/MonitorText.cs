using System.Globalization;
using Keel.Monitoring;

namespace Keel.Cli.Monitoring;

/// <summary>The human summary of a monitoring pass.</summary>
internal static class MonitorText
{
    public static void Write(MonitorResult result, TextWriter o)
    {
        o.WriteLine($"monitor {result.Model}: {result.Rows} rows from {result.Source}, windows of {result.Window}");
        for (int i = 0; i < result.Windows.Count; i++)
        {
            WindowReport w = result.Windows[i];
            string state = result.States[i].ToString().ToLowerInvariant();
            o.WriteLine($"  [{state,-5}] window {w.Index} ({w.Label}, {w.Rows} rows){(w.Insufficient ? " insufficient" : "")}: " +
                $"{w.Features.Count(f => f.Drifted)} of {w.Features.Count} features drift");
            foreach (string reason in w.Reasons.Take(8)) o.WriteLine($"      {reason}");
            if (w.Reasons.Count > 8) o.WriteLine($"      ... {w.Reasons.Count - 8} more (see --json or --report)");
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
    }

    private static string F(double x) => x.ToString("0.000", CultureInfo.InvariantCulture);
}
