using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Keel.Cli.Tests.Monitoring;

/// <summary>
/// Issue 17, failure 8: a one-off check over CSV files written by hand the way other tools write them (pandas' index
/// column, quoted fields, unparseable numbers, huge values, a one-row reference), and <c>--fail-on</c> for CI gates.
/// </summary>
public sealed class MonitorCsvInputTests
{
    [Fact]
    public void Monitor_OneShiftedWindow_WarnsByDefaultButFailOnDriftExitsOne()
    {
        // Given one window whose x is shifted by 0.5 sd: the sustained rule needs 2 of 3 windows, so alone it only warns
        using var ws = TempWorkspace.Empty();
        ws.Write("train.csv", Csv(new Random(1), 4_000, 0, 1));
        ws.Write("prod.csv", Csv(new Random(2), 2_000, 0.5, 1));

        var plain = ws.Keel("monitor", "m", "--reference", "train.csv", "--current", "prod.csv");
        var drift = ws.Keel("monitor", "m", "--reference", "train.csv", "--current", "prod.csv", "--fail-on", "drift");
        var alert = ws.Keel("monitor", "m", "--reference", "train.csv", "--current", "prod.csv", "--fail-on", "alert", "--json");

        // Then the CI gate fails on the window's own verdict and says so; JSON carries the counts
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.True(drift.ExitCode == 1, drift.ToString());
        Assert.Contains("FAIL (--fail-on drift): 1 of 1 judged window(s) with a drift verdict", drift.Stdout, StringComparison.Ordinal);
        Assert.True(alert.ExitCode == 1, alert.ToString());
        Assert.Equal(1, alert.Json().GetProperty("drifted_windows").GetInt32());
        Assert.Equal(1, alert.Json().GetProperty("alerting_windows").GetInt32());
    }

    [Fact]
    public void Monitor_FailOnDrift_SameDistribution_PassesAndStatesTheDetectableEffect()
    {
        using var ws = TempWorkspace.Empty();
        ws.Write("train.csv", Csv(new Random(3), 4_000, 0, 1));
        ws.Write("prod.csv", Csv(new Random(4), 300, 0, 1));

        var r = ws.Keel("monitor", "m", "--reference", "train.csv", "--current", "prod.csv", "--fail-on", "drift", "--json");
        var text = ws.Keel("monitor", "m", "--reference", "train.csv", "--current", "prod.csv", "--fail-on", "drift");

        // Then it passes, and each feature states the smallest effect 300 rows can detect (about 0.2 sd for x)
        Assert.True(r.ExitCode == 0, r.ToString());
        var x = r.Json().GetProperty("windows")[0].GetProperty("features").EnumerateArray().Single(f => f.GetProperty("feature").GetString() == "x");
        Assert.InRange(x.GetProperty("minimum_detectable_effect").GetDouble(), 0.15, 0.3);
        Assert.Matches(@"minimum detectable effect: x 0\.\d+ sd, plan js 0\.\d+", text.Stdout);
        Assert.Contains("pass (--fail-on drift): none of 1 judged window(s) with a drift verdict", text.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Monitor_FailOnUnknownVerdict_UsageError()
    {
        using var ws = TempWorkspace.Empty();
        ws.Write("train.csv", Csv(new Random(5), 200, 0, 1));

        var r = ws.Keel("monitor", "m", "--reference", "train.csv", "--current", "train.csv", "--fail-on", "warn");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("warn", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Monitor_OneRowReference_SaysTooFewRowsAndNeverJudgesDrift()
    {
        // Given a reference of one row, far from a 500-row window
        using var ws = TempWorkspace.Empty();
        ws.Write("train.csv", "request_id,x,plan\nr0,0,basic\n");
        ws.Write("prod.csv", Csv(new Random(6), 500, 3, 1));

        var r = ws.Keel("monitor", "m", "--reference", "train.csv", "--current", "prod.csv", "--fail-on", "drift");

        // Then there is no drift verdict: "too few rows", and the gate says nothing was judged
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("too few rows: the reference has 1 row(s), fewer than the 100 (min_rows) needed to judge drift", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("0 of 2 features drift", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("pass (--fail-on drift) with nothing judged", r.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Unnamed: 0")]
    public void Monitor_PandasIndexColumn_IsReadAsARowIndexNotAFeature(string indexName)
    {
        // Given files as pandas' default to_csv writes them: a first column with an empty name (or, read back and written
        // again, 'Unnamed: 0') holding the row index, which differs between the files
        using var ws = TempWorkspace.Empty();
        ws.Write("train.csv", WithIndex(Csv(new Random(7), 2_000, 0, 1), indexName, 0));
        ws.Write("prod.csv", WithIndex(Csv(new Random(8), 2_000, 0, 1), indexName, 50_000));

        var r = ws.Keel("monitor", "m", "--reference", "train.csv", "--current", "prod.csv", "--fail-on", "drift", "--json");

        // Then it reads, the index is no feature (else it would drift), and the gate passes
        Assert.True(r.ExitCode == 0, r.ToString());
        string[] features = [.. r.Json().GetProperty("windows")[0].GetProperty("features").EnumerateArray().Select(f => f.GetProperty("feature").GetString()!)];
        Assert.Equal(["x", "plan"], features);
    }

    [Fact]
    public void Monitor_UnnamedColumnInTheMiddle_RefusedWithOneLine()
    {
        using var ws = TempWorkspace.Empty();
        ws.Write("train.csv", "x,,plan\n1,2,basic\n");
        ws.Write("prod.csv", "x,,plan\n1,2,basic\n");

        var r = ws.Keel("monitor", "m", "--reference", "train.csv", "--current", "prod.csv");

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("keel: train.csv:1: column 2 of the header has no name; name it or remove the column (only an unnamed first column is read, as a row index)",
            r.Stderr.Trim());
    }

    [Fact]
    public void Monitor_QuotedFields_ReadAsTheirValues()
    {
        // Given quoted numbers, categories with commas, doubled quotes and a line break inside quotes
        using var ws = TempWorkspace.Empty();
        var random = new Random(9);
        string[] plans = ["\"basic, monthly\"", "\"pro \"\"annual\"\"\"", "\"plus\nfamily\""];
        var s = new StringBuilder("\"request_id\",\"x\",\"plan\"\r\n");
        for (int i = 0; i < 1_000; i++) s.Append(CultureInfo.InvariantCulture, $"r{i},\"{Normal(random):R}\",{plans[i % 3]}\r\n");
        ws.Write("train.csv", s.ToString());
        ws.Write("prod.csv", s.ToString());

        var r = ws.Keel("monitor", "m", "--reference", "train.csv", "--current", "prod.csv", "--json", "--save-profile", "ref.json");

        // Then x is numeric, plan has exactly the three levels, and nothing drifts or is flagged
        Assert.True(r.ExitCode == 0, r.ToString());
        using var profile = JsonDocument.Parse(File.ReadAllBytes(ws.PathOf("ref.json")));
        var names = PropertyNames(profile.RootElement).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("basic, monthly", names);
        Assert.Contains("pro \"annual\"", names);
        Assert.Contains("plus\nfamily", names);
        var window = r.Json().GetProperty("windows")[0];
        Assert.Equal("numeric", window.GetProperty("features").EnumerateArray().Single(f => f.GetProperty("feature").GetString() == "x").GetProperty("kind").GetString());
        Assert.Empty(window.GetProperty("quality").EnumerateArray());
    }

    [Fact]
    public void Monitor_UnparseableNumbers_CountedOnceAsMissing()
    {
        // Given 20 of 500 values of x that are not numbers
        using var ws = TempWorkspace.Empty();
        ws.Write("train.csv", Csv(new Random(10), 4_000, 0, 1));
        var lines = Csv(new Random(11), 500, 0, 1).Split('\n');
        for (int i = 1; i <= 20; i++)
        {
            string[] cells = lines[i].Split(',');
            lines[i] = $"{cells[0]},n/a,{cells[2]}";
        }

        ws.Write("prod.csv", string.Join('\n', lines));

        var r = ws.Keel("monitor", "m", "--reference", "train.csv", "--current", "prod.csv", "--json");

        // Then the type violation names 20 values, and 4 % missing raises no missing-rate warning
        Assert.True(r.ExitCode == 0, r.ToString());
        var quality = r.Json().GetProperty("windows")[0].GetProperty("quality").EnumerateArray().ToList();
        Assert.Contains(quality, q => q.GetProperty("code").GetString() == "type_violation" && q.GetProperty("message").GetString()!.Contains("20 value(s)", StringComparison.Ordinal));
        Assert.DoesNotContain(quality, q => q.GetProperty("code").GetString() == "missing_rate");
    }

    [Fact]
    public void Monitor_ValuesNear1e200_OneSdShiftDrifts()
    {
        // Given x in units of 1e200, and a window shifted by one reference sd
        using var ws = TempWorkspace.Empty();
        ws.Write("train.csv", Csv(new Random(12), 4_000, 0, 1e200));
        ws.Write("prod.csv", Csv(new Random(13), 2_000, 1, 1e200));

        var r = ws.Keel("monitor", "m", "--reference", "train.csv", "--current", "prod.csv", "--fail-on", "drift", "--json");

        // Then the normalised Wasserstein is about 1 (not 0) and the gate fails
        Assert.True(r.ExitCode == 1, r.ToString());
        var x = r.Json().GetProperty("windows")[0].GetProperty("features").EnumerateArray().Single(f => f.GetProperty("feature").GetString() == "x");
        Assert.InRange(x.GetProperty("wasserstein").GetDouble(), 0.9, 1.1);
        Assert.True(x.GetProperty("drifted").GetBoolean());
    }

    [Fact]
    public void Monitor_FilesWrittenByPythonsCsvModule_GateWorksEndToEnd()
    {
        // Given a stranger's project: a python3 script (no packages) writes the files with csv.writer, an index column
        // first as pandas would, a category with commas (quoted by the writer) and a few 'nan' cells
        using var ws = TempWorkspace.Empty();
        ws.Write("make.py", """
            import csv, random, sys
            def write(path, n, shift, seed):
                rng = random.Random(seed)
                with open(path, "w", newline="") as f:
                    w = csv.writer(f)
                    w.writerow(["", "age", "plan"])
                    for i in range(n):
                        age = "nan" if i % 250 == 0 else repr(40 + 10 * (rng.gauss(0, 1) + shift))
                        w.writerow([i, age, rng.choice(["basic, monthly", "pro", "plus"])])
            write("data/train.csv", 3000, 0, 1)
            write("data/today.csv", 1500, float(sys.argv[1]), 2)
            """);
        Directory.CreateDirectory(ws.PathOf("data"));
        Python(ws.Root, "make.py", "0");
        var same = ws.Keel("monitor", "m", "--reference", "data/train.csv", "--current", "data/today.csv", "--fail-on", "drift");
        Python(ws.Root, "make.py", "0.6");
        var shifted = ws.Keel("monitor", "m", "--reference", "data/train.csv", "--current", "data/today.csv", "--fail-on", "drift");

        Assert.True(same.ExitCode == 0, same.ToString());
        Assert.Contains("0 of 2 features drift", same.Stdout, StringComparison.Ordinal);
        Assert.True(shifted.ExitCode == 1, shifted.ToString());
        Assert.Contains("drift in 'age'", shifted.Stdout, StringComparison.Ordinal);
    }

    private static IEnumerable<string> PropertyNames(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().SelectMany(p => PropertyNames(p.Value).Prepend(p.Name)),
        JsonValueKind.Array => e.EnumerateArray().SelectMany(PropertyNames),
        _ => [],
    };

    private static void Python(string cwd, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo("python3", args) { WorkingDirectory = cwd, UseShellExecute = false, RedirectStandardError = true })!;
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, stderr);
    }

    private static string WithIndex(string csv, string name, int first)
    {
        string[] lines = csv.TrimEnd('\n').Split('\n');
        var s = new StringBuilder(name.Length == 0 ? "" : name).Append(',').Append(lines[0]).Append('\n');
        for (int i = 1; i < lines.Length; i++) s.Append(CultureInfo.InvariantCulture, $"{first + i - 1},{lines[i]}\n");
        return s.ToString();
    }

    private static string Csv(Random random, int rows, double shift, double scale)
    {
        var s = new StringBuilder("request_id,x,plan\n");
        string[] plans = ["basic", "plus", "pro"];
        for (int i = 0; i < rows; i++) s.Append(CultureInfo.InvariantCulture, $"r{i},{(shift + Normal(random)) * scale:R},{plans[random.Next(3)]}\n");
        return s.ToString();
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());
}
