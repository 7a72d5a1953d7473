namespace Keel.Cli.Tests.Tracking;

public sealed class ConcurrencyTests : IDisposable
{
    private readonly TrackingCli _cli = new();

    [Fact]
    public void LogMetric_EightProcessesAtOnce_LoseNothing()
    {
        const int writers = 8, each = 12;
        Assert.Equal(0, _cli.Keel("init", ".").ExitCode);
        _cli.Write("writers.sh", $$"""
            for w in $(seq 1 {{writers}}); do
              ( for i in $(seq 1 {{each}}); do keel log-metric "w$w" "$i" --step "$i" || exit 1; keel log-metric shared "$i" --step "$w$i" || exit 1; done ) &
            done
            fail=0
            for job in $(jobs -p); do wait "$job" || fail=1; done
            exit $fail
            """);
        var exec = _cli.Keel("exec", "--", "bash", "writers.sh");
        Assert.True(exec.ExitCode == 0, exec.Stderr);
        var id = _cli.Keel("runs", "list", "--json").Json.GetProperty("runs")[0].GetProperty("id").GetString()!;
        for (var w = 1; w <= writers; w++)
        {
            var points = _cli.Keel("metrics", "history", id, $"w{w}", "--json").Json.GetProperty("points");
            Assert.Equal(Enumerable.Range(1, each).Select(i => (double)i), points.EnumerateArray().Select(p => p.GetProperty("value").GetDouble()));
        }
        Assert.Equal(writers * each, _cli.Keel("metrics", "history", id, "shared", "--json").Json.GetProperty("points").GetArrayLength());
    }

    public void Dispose() => _cli.Dispose();
}
