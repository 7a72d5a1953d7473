using Keel.Tracking;

namespace Keel.Cli.Commands;

/// <summary>Draws a metric history with ScottPlot; non-finite values cannot be drawn and are counted in the title.</summary>
internal static class MetricPlot
{
    public static string Save(IReadOnlyList<MetricPoint> points, string title, string file)
    {
        var finite = points.Where(p => double.IsFinite(p.Value)).ToList();
        var skipped = points.Count - finite.Count;
        var plot = new ScottPlot.Plot();
        var scatter = plot.Add.Scatter(finite.Select(p => (double)p.Step).ToArray(), finite.Select(p => p.Value).ToArray());
        scatter.MarkerSize = finite.Count > 200 ? 0 : 4;
        plot.Title(skipped > 0 ? $"{title} ({skipped} NaN/Infinity values not drawn)" : title);
        plot.XLabel("step");
        plot.YLabel(points[0].Key);
        var extension = Path.GetExtension(file).ToLowerInvariant();
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        switch (extension)
        {
            case ".png":
                plot.SavePng(file, 900, 500);
                break;
            case ".svg":
                plot.SaveSvg(file, 900, 500);
                break;
            default:
                throw new KeelException($"--plot {file}: use a .png or .svg file name");
        }
        return file;
    }
}
