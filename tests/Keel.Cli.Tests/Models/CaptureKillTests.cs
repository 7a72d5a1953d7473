using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Keel.Tests.Shared;
using Parquet;

namespace Keel.Cli.Tests.Models;

public sealed class CaptureKillTests
{
    private const string Yaml = """
        stages: {}
        models:
          tiny:
            label: churned
            holdout: data/holdout.csv
            tests:
              - {name: schema, type: schema}
        """;

    [Fact]
    public async Task Serve_KilledAfterABurst_NextStartRecoversEveryLoggedPredictionIntoASegment()
    {
        // Given a deployed model served with segments too large to be cut during the burst
        using var ws = TempWorkspace.Init();
        TinyChurnModel.Train(ws.PathOf("data"));
        ws.Write("keel.yaml", Yaml);
        Assert.Equal(0, ws.Keel("models", "register", "tiny", "--path", "data/model.zip", "--train", "data/train.csv").ExitCode);
        Assert.Equal(0, ws.Keel("deploy", "tiny@1", "--alias", "production").ExitCode);
        var sent = new Dictionary<string, int>(StringComparer.Ordinal);
        using (var first = KeelProcess.Start(ws.Root, "serve", "--port", "0", "--segment-rows", "1000000"))
        {
            try
            {
                using var http = await ConnectAsync(first);

                // When a burst of single-row and batch requests is answered on 4 connections ...
                await Task.WhenAll(Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
                {
                    for (var i = 0; i < 150; i++)
                    {
                        var rows = i % 10 == 0 ? 5 : 1;
                        var body = new { rows = Enumerable.Range(0, rows).Select(r => new { tenure = (i + r) % 70 * 1.0, charges = 30.0 + c, contract = "monthly" }).ToArray() };
                        using var response = await http.PostAsJsonAsync("/v1/models/tiny/predict", body);
                        response.EnsureSuccessStatusCode();
                        var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("request_id").GetString()!;
                        lock (sent) sent.Add(id, rows);
                    }
                })));
                var total = sent.Values.Sum();
                // ... and has logged them (at most one 20 ms beat after the last answer) ...
                await WaitForMetricAsync(http, "keel_capture_logged_rows_total", total);
                Assert.Equal(0, await MetricAsync(http, "keel_capture_segments_total"));
            }
            finally
            {
                // ... and is then killed with SIGKILL: no shutdown code runs.
                first.Kill();
                await first.WaitForExitAsync();
            }
        }
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(ws.KeelDir, "capture"), "*.log"));
        Assert.Empty(Segments(ws));

        // Then the next start turns the log into a segment holding every row that was answered
        using (var second = KeelProcess.Start(ws.Root, "serve", "--port", "0"))
        {
            try
            {
                using var http = await ConnectAsync(second);
                await WaitForMetricAsync(http, "keel_capture_recovered_rows_total", sent.Values.Sum());
            }
            finally
            {
                second.Kill();
                await second.WaitForExitAsync();
            }
        }
        Assert.Empty(Directory.GetFiles(Path.Combine(ws.KeelDir, "capture"), "*.log"));
        var segment = Assert.Single(Segments(ws));
        Assert.Equal("deploy", segment.GeneratedBy);
        var captured = await ReadRequestRowsAsync(ws.ObjectPath(segment.Digest));
        Assert.Equal(sent.OrderBy(kv => kv.Key), captured.OrderBy(kv => kv.Key));
    }

    private static async Task<HttpClient> ConnectAsync(Process server)
    {
        var line = await server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.StartsWith("serving on http://127.0.0.1:", line, StringComparison.Ordinal);
        return new HttpClient { BaseAddress = new Uri(line!["serving on ".Length..].Split(' ')[0]) };
    }

    private static async Task<double> MetricAsync(HttpClient http, string name)
    {
        var text = await http.GetStringAsync("/metrics");
        var line = text.Split('\n').Single(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
    }

    private static async Task WaitForMetricAsync(HttpClient http, string name, double expected)
    {
        var deadline = Stopwatch.StartNew();
        double value;
        while ((value = await MetricAsync(http, name)) < expected && deadline.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(20);
        Assert.Equal(expected, value);
    }

    /// <summary>The predictions segments of tiny@1 in the lineage: digest, and the kind of run that generated each.</summary>
    private static List<(string Digest, string GeneratedBy)> Segments(TempWorkspace ws)
    {
        var lineage = ws.Keel("lineage", "tiny@1", "--down", "--kinds", "predictions,run", "--json");
        Assert.True(lineage.ExitCode == 0, lineage.ToString());
        var json = lineage.Json();
        var nodes = json.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("id").GetInt64());
        var segments = new List<(string, string)>();
        foreach (var n in nodes.Values.Where(n => n.GetProperty("kind").GetString() == "predictions"))
        {
            var id = n.GetProperty("id").GetInt64();
            var generator = json.GetProperty("edges").EnumerateArray()
                .Where(e => e.GetProperty("to").GetInt64() == id && e.GetProperty("relation").GetString() == "generated")
                .Select(e => nodes.TryGetValue(e.GetProperty("from").GetInt64(), out var from) ? from.GetProperty("kind").GetString()! : "?")
                .SingleOrDefault() ?? "none";
            segments.Add((n.GetProperty("digest").GetString()!, generator));
        }
        return segments;
    }

    /// <summary>request_id → rows captured, read from a Parquet segment.</summary>
    private static async Task<Dictionary<string, int>> ReadRequestRowsAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream);
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var n = (int)group.RowCount;
            var ids = new string?[n];
            await group.ReadAsync(reader.Schema.DataFields.Single(f => f.Name == "request_id"), ids.AsMemory());
            foreach (var id in ids) result[id!] = result.GetValueOrDefault(id!) + 1;
        }
        return result;
    }
}
