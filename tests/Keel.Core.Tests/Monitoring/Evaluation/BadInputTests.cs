using Keel.Monitoring;
using Keel.Monitoring.Profiles;

namespace Keel.Core.Tests.Monitoring.Evaluation;

/// <summary>Empty and tiny windows, absent features, changed schema, unknown feedback ids, clock skew: clear findings, no crash, no silent pass.</summary>
public sealed class BadInputTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Evaluate_TinyWindow_SaysInsufficientAndNeverAlerts()
    {
        // Given a heavily shifted window of 20 rows
        var random = new Random(1);
        ReferenceProfile reference = Synthetic.Reference(random, 5_000, 3);
        WindowReport report = Synthetic.Judge(reference, Synthetic.Batch(Synthetic.Columns(random, 20, 3, shiftedFeature: 0, shift: 5)));

        // Then it is reported as insufficient, with the reason, and does not alert
        Assert.True(report.Insufficient);
        Assert.NotEqual(Severity.Alert, report.Severity);
        Assert.Contains(report.Reasons, r => r.StartsWith("too few rows: the window has 20 row(s)", StringComparison.Ordinal));
        Assert.All(report.Features, f => Assert.False(f.Drifted));
    }

    [Fact]
    public async Task Run_NoPredictions_NotesThatNothingWasJudged()
    {
        // Given a source with no rows
        var random = new Random(2);
        ReferenceProfile reference = Synthetic.Reference(random, 1_000, 2);
        MonitorResult result = await Session(reference).RunAsync(new ListSource([]), null, null, CancellationToken.None);

        // Then there is no window, and a note says this is not a pass
        Assert.Empty(result.Windows);
        Assert.Contains(result.Notes, n => n.Contains("nothing to judge (this is not a pass)", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_FeatureMissingFromLogs_AlertsWithFeatureAbsent()
    {
        // Given logs without feature x1
        var random = new Random(3);
        ReferenceProfile reference = Synthetic.Reference(random, 5_000, 3);
        List<DataColumn> columns = Synthetic.Columns(random, 2_000, 3);
        columns.RemoveAll(c => c.Name == "x1");
        WindowReport report = Synthetic.Judge(reference, Synthetic.Batch(columns));

        // Then the window alerts, naming the feature, and the feature is marked absent rather than passing
        Assert.Equal(Severity.Alert, report.Severity);
        QualityIssue issue = Assert.Single(report.Quality, q => q.Code == "feature_absent");
        Assert.Equal("x1", issue.Feature);
        Assert.Equal("absent", report.Features.Single(f => f.Feature == "x1").Status);
    }

    [Fact]
    public void Evaluate_ChangedSchema_ReportsUnknownColumnsAndTypeViolations()
    {
        // Given a new column and a numeric feature now logged as text
        var random = new Random(4);
        ReferenceProfile reference = Synthetic.Reference(random, 5_000, 2);
        List<DataColumn> columns = Synthetic.Columns(random, 2_000, 2);
        string?[] text = [.. columns[0].Numbers!.Select((x, i) => i % 10 == 0 ? "n/a" : x.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        columns[0] = DataColumn.OfTexts("x0", text);
        columns.Add(DataColumn.OfTexts("new_column", [.. Enumerable.Repeat<string?>("v", 2_000)]));
        WindowReport report = Synthetic.Judge(reference, Synthetic.Batch(columns));

        // Then both are findings with clear messages
        Assert.Contains(report.Quality, q => q.Code == "unknown_columns" && q.Message.Contains("new_column", StringComparison.Ordinal));
        Assert.Contains(report.Quality, q => q.Code == "type_violation" && q.Feature == "x0" && q.Message.Contains("200 value(s) are not numbers", StringComparison.Ordinal));
        Assert.Contains(report.Quality, q => q.Code == "missing_rate" && q.Feature == "x0");
    }

    [Fact]
    public void Evaluate_UnseenCategoriesAndOutOfRange_AreFindingsNotCrashes()
    {
        var random = new Random(5);
        ReferenceProfile reference = Synthetic.Reference(random, 5_000, 1);
        List<DataColumn> columns = Synthetic.Columns(random, 2_000, 1);
        string?[] levels = columns[1].Texts!;
        for (int i = 0; i < 200; i++)
        {
            levels[i] = "brand-new";
        }

        double[] x = columns[0].Numbers!;
        x[0] = double.PositiveInfinity;
        for (int i = 1; i < 100; i++)
        {
            x[i] = 1e6;
        }

        WindowReport report = Synthetic.Judge(reference, Synthetic.Batch(columns));
        Assert.Contains(report.Quality, q => q.Code == "unseen_categories" && q.Message.Contains("'brand-new' (200)", StringComparison.Ordinal));
        Assert.Contains(report.Quality, q => q.Code == "out_of_range" && q.Feature == "x0");
        Assert.Contains(report.Quality, q => q.Code == "non_finite" && q.Feature == "x0");
        Assert.All(report.Features, f => Assert.True(double.IsFinite(f.Effect) && double.IsFinite(f.PValue) && double.IsFinite(f.Statistic)));
    }

    [Fact]
    public void Evaluate_ConstantColumns_FiniteAndFlagged()
    {
        // Given a constant reference feature and a window where another feature became constant
        var reference = ReferenceProfileBuilder.Build(
            [DataColumn.OfNumbers("k", [.. Enumerable.Repeat(3.0, 500)]), DataColumn.OfNumbers("v", Synthetic.Normal(new Random(6), 500, 0))],
            new ReferenceColumns(), "t");
        var batch = new PredictionBatch
        {
            Count = 300,
            Features = [DataColumn.OfNumbers("k", [.. Enumerable.Repeat(4.0, 300)]), DataColumn.OfNumbers("v", [.. Enumerable.Repeat(0.5, 300)])],
        };
        WindowReport report = Synthetic.Judge(reference, batch);

        Assert.All(report.Features, f => Assert.True(double.IsFinite(f.Effect) && double.IsFinite(f.PValue)));
        Assert.Contains(report.Quality, q => q.Code == "constant" && q.Feature == "v");
        Assert.True(report.Features.Single(f => f.Feature == "k").Drifted);
    }

    [Fact]
    public async Task Run_LabelsForUnknownRequestIds_AreCountedAndNoted()
    {
        var reference = ReferenceProfileBuilder.Build(
            [DataColumn.OfNumbers("x", Synthetic.Normal(new Random(7), 1_000, 0)), DataColumn.OfNumbers("score", [.. Enumerable.Range(0, 1_000).Select(i => i / 1000.0)])],
            new ReferenceColumns { Score = "score" }, "t");
        var batch = new PredictionBatch
        {
            Count = 200,
            RequestIds = [.. Enumerable.Range(0, 200).Select(i => $"r{i}")],
            Features = [DataColumn.OfNumbers("x", Synthetic.Normal(new Random(8), 200, 0))],
            Scores = [.. Enumerable.Range(0, 200).Select(i => i / 200.0)],
        };
        var feedback = new ListFeedback([new("r1", "1", null), new("r2", "0", null), new("nobody", "1", null), new("r1", "0", null)]);
        MonitorResult result = await Session(reference).RunAsync(new ListSource([batch]), feedback, null, CancellationToken.None);

        Assert.Contains(result.Notes, n => n.StartsWith("2 feedback label(s) name request ids never seen", StringComparison.Ordinal));
        Assert.Equal(2, result.Windows[0].Performance!.Realised.Single(m => m.Name == "accuracy").Count);
    }

    [Fact]
    public void Windower_ClockSkew_FutureAndOutOfOrderTimesAreFindings()
    {
        var random = new Random(9);
        ReferenceProfile reference = Synthetic.Reference(random, 2_000, 1, categorical: false);
        var windower = new Windower(reference, WindowSpec.Parse("1h"), new FakeTime(Now));
        var times = Enumerable.Range(0, 300).Select(i => Now.AddMinutes(-50).AddSeconds(i)).ToArray();
        times[10] = Now.AddDays(3);       // a client clock three days ahead
        times[20] = Now.AddMinutes(-200); // far behind the latest
        windower.Add(new PredictionBatch { Count = 300, Times = times, Features = Synthetic.Columns(random, 300, 1, categorical: false) });

        IReadOnlyList<WindowReport> reports = windower.Evaluate(new MonitorOptions());
        Assert.Contains(reports.SelectMany(r => r.Quality), q => q.Code == "clock_skew" && q.Message.StartsWith("1 row(s) have timestamps more than 5 min in the future", StringComparison.Ordinal));
        Assert.Contains(reports.SelectMany(r => r.Quality), q => q.Code == "clock_skew" && q.Message.Contains("behind the latest timestamp", StringComparison.Ordinal));
        Assert.Equal(300, reports.Sum(r => r.Rows));
    }

    private static MonitorSession Session(ReferenceProfile reference) =>
        new("m", reference, new MonitorOptions(), new AlertPolicy(), WindowSpec.Default, new FakeTime(Now), new SafeAlertDispatcher([], _ => { }));

    private sealed class ListSource(IReadOnlyList<PredictionBatch> batches) : IPredictionSource
    {
        public string Description => "test";

        public async IAsyncEnumerable<PredictionBatch> ReadAsync(DateTimeOffset? since, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (PredictionBatch b in batches)
            {
                await Task.Yield();
                yield return b;
            }
        }
    }

    private sealed class ListFeedback(IReadOnlyList<FeedbackLabel> labels) : IFeedbackSource
    {
        public async IAsyncEnumerable<FeedbackLabel> ReadAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (FeedbackLabel l in labels)
            {
                await Task.Yield();
                yield return l;
            }
        }
    }
}
