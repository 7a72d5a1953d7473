using Keel.Monitoring;
using Keel.Monitoring.Profiles;

namespace Keel.Cli.Monitoring;

/// <summary>The report's plots, rendered server-side by ScottPlot as inline SVG.</summary>
internal static class MonitorPlots
{
    private const int Width = 760;
    private const int Height = 300;

    public static string EffectsOverTime(MonitorResult result, int maxFeatures)
    {
        var plot = new ScottPlot.Plot();
        var top = result.Windows.SelectMany(w => w.Features).GroupBy(f => f.Feature)
            .Select(g => (Name: g.Key, Max: g.Max(f => f.Effect / Math.Max(f.Threshold, 1e-12)))).OrderByDescending(x => x.Max).Take(maxFeatures).ToList();
        double[] xs = [.. result.Windows.Select(w => (double)w.Index)];
        foreach (var (name, _) in top)
        {
            double[] ys = [.. result.Windows.Select(w => w.Features.FirstOrDefault(f => f.Feature == name) is { } f ? f.Effect / Math.Max(f.Threshold, 1e-12) : 0)];
            var s = plot.Add.Scatter(xs, ys);
            s.LegendText = name;
        }
        var line = plot.Add.HorizontalLine(1.0);
        line.LinePattern = ScottPlot.LinePattern.Dashed;
        line.LegendText = "threshold";
        plot.Title("Effect size / threshold per window (drift needs >= 1 and BH significance)");
        plot.XLabel("window");
        plot.YLabel("effect / threshold");
        plot.ShowLegend();
        return plot.GetSvgXml(Width, Height);
    }

    public static string? PerformanceOverTime(MonitorResult result)
    {
        var series = result.Windows.Where(w => w.Performance is not null)
            .SelectMany(w => w.Performance!.Realised.Concat(w.Performance.Estimated).Select(m => (w.Index, m)))
            .GroupBy(x => (x.m.Name, x.m.Estimated)).ToList();
        if (series.Count == 0) return null;
        var plot = new ScottPlot.Plot();
        foreach (var g in series)
        {
            var s = plot.Add.Scatter(g.Select(x => (double)x.Index).ToArray(), g.Select(x => x.m.Value).ToArray());
            s.LegendText = (g.Key.Estimated ? "estimated " : "") + g.Key.Name;
            if (g.Key.Estimated) s.LinePattern = ScottPlot.LinePattern.Dotted;
        }
        plot.Title("Performance per window (realised from labels; dotted: estimated without labels)");
        plot.XLabel("window");
        plot.ShowLegend();
        return plot.GetSvgXml(Width, Height);
    }

    /// <summary>Share of the window in each group of reference-quantile bins (the reference is flat by construction).</summary>
    public static string Numeric(string name, NumericReference r, NumericSketch w)
    {
        const int Groups = 40;
        int bins = r.BinCounts.Length;
        int per = Math.Max(1, bins / Groups);
        var xs = new List<double>();
        var refShare = new List<double>();
        var curShare = new List<double>();
        for (int start = 0; start < bins; start += per)
        {
            int end = Math.Min(bins, start + per);
            long rc = 0, wc = 0;
            double rs = 0;
            for (int b = start; b < end; b++) { rc += r.BinCounts[b]; wc += w.Counts[b]; rs += r.BinSums[b]; }
            if (rc == 0 && wc == 0) continue;
            xs.Add(rc > 0 ? rs / rc : (start < r.Edges.Length ? r.Edges[start] : r.Max));
            refShare.Add(r.Count > 0 ? rc / (double)r.Count : 0);
            curShare.Add(w.Count > 0 ? wc / (double)w.Count : 0);
        }
        var plot = new ScottPlot.Plot();
        var a = plot.Add.Scatter(xs.ToArray(), refShare.ToArray());
        a.LegendText = "reference";
        var b2 = plot.Add.Scatter(xs.ToArray(), curShare.ToArray());
        b2.LegendText = "current";
        plot.Title($"{name}: share per reference-quantile bin group");
        plot.XLabel(name);
        plot.YLabel("share");
        plot.ShowLegend();
        return plot.GetSvgXml(Width, Height);
    }

    public static string Categorical(string name, CategoricalReference r, CategoricalSketch w)
    {
        var levels = r.Counts.Keys.Union(w.Counts.Keys).OrderByDescending(k => r.Counts.GetValueOrDefault(k) + w.Counts.GetValueOrDefault(k)).Take(12).ToList();
        var plot = new ScottPlot.Plot();
        var bars = new List<ScottPlot.Bar>();
        for (int i = 0; i < levels.Count; i++)
        {
            bars.Add(new ScottPlot.Bar { Position = (3 * i) + 0, Value = r.Count > 0 ? r.Counts.GetValueOrDefault(levels[i]) / (double)r.Count : 0, FillColor = ScottPlot.Colors.SteelBlue });
            bars.Add(new ScottPlot.Bar { Position = (3 * i) + 1, Value = w.Count > 0 ? w.Counts.GetValueOrDefault(levels[i]) / (double)w.Count : 0, FillColor = ScottPlot.Colors.OrangeRed });
        }
        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks([.. levels.Select((_, i) => (3.0 * i) + 0.5)], [.. levels]);
        plot.Title($"{name}: share per level (blue reference, red current)");
        plot.YLabel("share");
        return plot.GetSvgXml(Width, Height);
    }
}
