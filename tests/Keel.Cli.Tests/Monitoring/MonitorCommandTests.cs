using System.Globalization;
using System.Text;

namespace Keel.Cli.Tests.Monitoring;

/// <summary>keel monitor over CSV files, through the real binary.</summary>
public sealed class MonitorCommandTests
{
    [Fact]
    public void Monitor_ShiftedCurrent_ExitsOneWithJsonReportAndHtml()
    {
        using var ws = TempWorkspace.Empty();
        ws.Write("train.csv", Csv(new Random(1), 4_000, 0));
        ws.Write("prod.csv", Csv(new Random(2), 4_000, 0.5));

        var r = ws.Keel("monitor", "churn", "--reference", "train.csv", "--current", "prod.csv", "--window", "2000rows", "--json", "--report", "r.html");

        Assert.True(r.ExitCode == 1, r.ToString());
        var json = r.Json();
        Assert.Equal("alert", json.GetProperty("state").GetString());
        var first = json.GetProperty("windows")[0];
        Assert.Contains(first.GetProperty("features").EnumerateArray(), f => f.GetProperty("feature").GetString() == "x" && f.GetProperty("drifted").GetBoolean());
        string html = File.ReadAllText(ws.PathOf("r.html"));
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Monitor_SameDistribution_ExitsZero()
    {
        using var ws = TempWorkspace.Empty();
        ws.Write("train.csv", Csv(new Random(3), 4_000, 0));
        ws.Write("prod.csv", Csv(new Random(4), 4_000, 0));

        var r = ws.Keel("monitor", "churn", "--reference", "train.csv", "--current", "prod.csv", "--window", "2000rows");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("no sustained alert", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Monitor_NothingDeployed_UsageErrorSaysWhatToDo()
    {
        using var ws = TempWorkspace.Init();
        var r = ws.Keel("monitor", "churn");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("churn@production is not set: deploy a version first", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("--reference TRAIN.csv --current PROD.csv", r.Stderr, StringComparison.Ordinal);
    }

    private static string Csv(Random random, int rows, double shift)
    {
        var s = new StringBuilder("request_id,x,plan\n");
        string[] plans = ["basic", "plus", "pro"];
        for (int i = 0; i < rows; i++)
        {
            double u1 = 1.0 - random.NextDouble();
            double x = shift + (Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * random.NextDouble()));
            s.Append(CultureInfo.InvariantCulture, $"r{i},{x:R},{plans[random.Next(3)]}\n");
        }

        return s.ToString();
    }
}
