using System.Buffers.Binary;
using System.Globalization;
using CsCheck;
using Keel.Core.Tests.Fuzzing;
using Keel.Registry;
using Keel.Server.Capture;

namespace Keel.Server.Tests.Fuzzing;

/// <summary>
/// Mutated capture logs and Parquet segments from tests/fuzz-corpus (written by the real writers,
/// see <see cref="CaptureCorpusTests"/>) against their readers: they read, or refuse the way their
/// caller expects, within the hang limit; and a log whose tail a kill cut yields
/// exactly the whole rows written before it, never a misread one.
/// </summary>
public sealed class CaptureReaderFuzzTests
{
    private static readonly string[] LogTokens = ["\"format\"", "keel-capture-log 1", "\"inputs\"", "\"outputs\"", "\"type\"", "\"number\"", "\"boolean\"", "\"text\"", "\"version\"", "\"model_node\""];

    private static readonly string[] SegmentTokens = ["PAR1", "request_id", "input.", "output.Probability", "output.Score", "time", "version"];

    /// <summary>What recovery does with a log left behind: read it, rebuild its columns, write its segment. It refuses a damaged log with <see cref="InvalidDataException"/> (the log is set aside as .damaged).</summary>
    internal static void Recover(byte[] bytes)
    {
        var (header, rows, _) = CaptureLog.Read(new MemoryStream(bytes));
        using var segment = new MemoryStream();
        SegmentWriter.WriteAsync(header, CaptureLog.ToColumns(header, rows), segment, CancellationToken.None).GetAwaiter().GetResult();
    }

    internal static void ReadSegment(byte[] bytes) =>
        SegmentReader.ReadAsync(new MemoryStream(bytes), "predictions:tiny@1:1700000000000", CancellationToken.None).GetAwaiter().GetResult();

    [Fact]
    public void CaptureLogRecovery_MutatedLog_RecoversOrSetsAsideAsDamaged() =>
        ParserProperty.Inputs("capture-log", LogTokens)
            .Sample(b => ParserProperty.AcceptsOrRefusesClearly<InvalidDataException>(Recover, b), time: ParserProperty.Seconds, threads: 1, print: ParserProperty.Show);

    [Fact]
    public void SegmentReader_MutatedSegment_ReadsOrRefusesClearly() =>
        ParserProperty.Inputs("capture-segment", SegmentTokens)
            .Sample(b =>
            {
                if (FooterReadHangs(b)) return;
                ParserProperty.AcceptsOrRefusesClearly(ReadSegment, b);
            }, time: ParserProperty.Seconds, threads: 1, print: ParserProperty.Show);

    /// <summary>
    /// Open upstream defect, found by this property (CsCheck seed bvgStsqyQ-K3): Parquet.Net's
    /// Thrift reader loops for minutes over a list count read from a damaged footer, inside
    /// <c>ParquetReader.CreateAsync</c>, and cannot be cancelled. keel never hands it such bytes:
    /// segments are read through the object store's checked reads, which verify the whole object
    /// at the reader's first seek (to the footer). Those inputs are left out here so that every
    /// other finding still fails the property; docs/reliability.md lists the defect.
    /// </summary>
    private static bool FooterReadHangs(byte[] bytes)
    {
        var open = Task.Run(async () =>
        {
            try
            {
                await using var reader = await Parquet.ParquetReader.CreateAsync(new MemoryStream(bytes));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Refusals are the property's business, below.
            }
        });
        return !open.Wait(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void CaptureLogRead_TailCutByAKill_YieldsExactlyTheWholeRowsWritten()
    {
        // A kill cuts the log anywhere after its header (the header is flushed when the log is
        // created). Zero-filled tails (a power loss on some file systems) are not covered: the
        // records carry no checksum, so zeros that complete a record's length are read as a row;
        // docs/reliability.md lists this.
        var seeds = ParserProperty.LoadCorpus("capture-log");
        Gen.Select(Gen.Int[0, seeds.Count - 1], Gen.Double[0, 1]).Sample(t =>
        {
            var (s, at) = t;
            var seed = seeds[s];
            var written = CaptureLog.Read(new MemoryStream(seed)).Rows;
            var headerEnd = Array.IndexOf(seed, (byte)'\n') + 1;
            var cut = headerEnd + (int)(at * (seed.Length - headerEnd));
            var input = seed[..cut];

            var (_, rows, torn) = CaptureLog.Read(new MemoryStream(input));

            var ends = RecordEnds(seed, headerEnd).Where(e => e <= cut).ToList();
            var wholeEnd = ends.Count == 0 ? headerEnd : ends[^1];
            return rows.Select(Render).SequenceEqual(written.Take(ends.Count).Select(Render)) && torn == (input.Length > wholeEnd);
        }, time: ParserProperty.Seconds, threads: 1, print: t => $"seed {t.Item1}, cut at {t.Item2:F6} of the records");
    }

    /// <summary>Where each record of a whole log ends: a marker byte, an int32 body length, the body.</summary>
    private static IEnumerable<int> RecordEnds(byte[] log, int at)
    {
        while (at < log.Length)
        {
            at += 5 + BinaryPrimitives.ReadInt32LittleEndian(log.AsSpan(at + 1));
            yield return at;
        }
    }

    internal static string Render(LoggedRow r) =>
        string.Join('|', [r.RequestId, r.Row.ToString(CultureInfo.InvariantCulture), r.TimeMs.ToString(CultureInfo.InvariantCulture), r.Flags ?? "(null)",
            .. r.Inputs.Select(Value), .. r.Outputs.Select(Value)]);

    private static string Value(object? v) => v switch
    {
        null => "(null)",
        double[] a => "[" + string.Join(',', a.Select(x => x.ToString("R", CultureInfo.InvariantCulture))) + "]",
        _ => Convert.ToString(v, CultureInfo.InvariantCulture)!,
    };
}

/// <summary>
/// The capture seeds of tests/fuzz-corpus are what the real writers write today: run with
/// KEEL_FUZZ_WRITE_CORPUS=1 to write them again after a format change.
/// </summary>
public sealed class CaptureCorpusTests
{
    private static readonly CaptureLogHeader Tiny = new("tiny", 1, 7, 9, [("tenure", FieldType.Number), ("charges", FieldType.Number), ("contract", FieldType.Text)], ["PredictedLabel", "Score", "Probability"]);

    private static readonly CaptureLogHeader Typed = new("typed", 3, 11, null, [("active", FieldType.Boolean), ("score", FieldType.Number), ("plan", FieldType.Text)], ["PredictedLabel", "Score", "Probabilities"]);

    [Fact]
    public async Task CaptureSeeds_AreWhatTheWritersWriteToday()
    {
        var root = Path.Combine(RepositoryRoot(), "tests", "fuzz-corpus");
        foreach (var (name, header, append) in new (string, CaptureLogHeader, Action<CaptureLog>)[] { ("tiny", Tiny, AppendTiny), ("typed", Typed, AppendTyped) })
        {
            var (log, segment, rows) = await WriteAsync(header, append);
            var logPath = Path.Combine(root, "capture-log", name + ".log");
            var segmentPath = Path.Combine(root, "capture-segment", name + ".parquet");
            if (Environment.GetEnvironmentVariable("KEEL_FUZZ_WRITE_CORPUS") == "1")
            {
                await File.WriteAllBytesAsync(logPath, log);
                await File.WriteAllBytesAsync(segmentPath, segment);
            }
            Assert.Equal(log, await File.ReadAllBytesAsync(logPath));
            var read = CaptureLog.Read(new MemoryStream(await File.ReadAllBytesAsync(logPath)));
            Assert.False(read.Torn);
            Assert.Equal(rows, read.Rows.Count);
            var batch = await SegmentReader.ReadAsync(new MemoryStream(await File.ReadAllBytesAsync(segmentPath)), name, CancellationToken.None);
            Assert.Equal(rows, batch.Count);
        }
    }

    private static void AppendTiny(CaptureLog log)
    {
        log.Append("0196c7d2e4c47b2a9f3c1d5e6a7b8c9d", 0, 1_700_000_000_000, null, [1.5, 20.0, "monthly"], [true, 1.2, 0.8]);
        log.Append("client-id", 0, 1_700_000_000_001, null, [double.NaN, 30.0, "yearly"], [false, -1.1, 0.2]);
        log.Append("client-id", 1, 1_700_000_000_001, "contract: new", [7.0, 40.0, "lifetime"], [false, -2.0, 0.1]);
        log.Append("0196c7d2e4c47b2a9f3c1d5e6a7b8c9e", 0, 1_700_000_000_005, null, [60.0, 99.5, null], [null, 0.0, 0.5]);
    }

    private static void AppendTyped(CaptureLog log)
    {
        log.Append("a", 0, 1_700_000_000_000, null, [true, 0.5, "gold"], ["yes", 1.0, new[] { 0.25, 0.75 }]);
        log.Append("b", 0, 1_700_000_000_002, null, [null, double.NaN, "é"], ["no", -3.5, new[] { 0.9, 0.1 }]);
        log.Append("b", 1, 1_700_000_000_002, "plan: new", [false, 1e300, ""], [null, 2.0, Array.Empty<double>()]);
    }

    private static async Task<(byte[] Log, byte[] Segment, int Rows)> WriteAsync(CaptureLogHeader header, Action<CaptureLog> append)
    {
        var dir = Path.Combine(Path.GetTempPath(), "keel-capture-corpus-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var log = CaptureLog.Create(dir, header, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
            append(log);
            log.Flush();
            using var segment = new MemoryStream();
            await SegmentWriter.WriteAsync(header, log.Columns, segment, CancellationToken.None);
            var bytes = await File.ReadAllBytesAsync(log.Path);
            return (bytes, segment.ToArray(), log.Rows);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Keel.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("the repository root (Keel.slnx) was not found above the test binaries");
    }
}
