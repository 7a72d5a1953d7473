using Keel.Lineage;
using Keel.Objects;

namespace Keel.Bench.Lineage;

/// <summary>
/// A graph shaped like real work: per pipeline and iteration, ingest (appending to the previous
/// raw snapshot), validate, preprocess (incremental on the previous dataset), train (from the
/// previous model), evaluate, and every tenth iteration package; a few shared raw files (a
/// lookup table used by every preprocess, a holdout set used by one pipeline in four); then one
/// model trained on every pipeline's latest dataset. Written through Keel's own store, one
/// transaction per iteration.
/// </summary>
internal sealed class LineageGraphGenerator(ILineageStore store, int pipelines, int iterations)
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly Random _random = new(42);

    public long AllConsumingModel { get; private set; }

    public long HotRawFile { get; private set; }

    public long TypicalModel { get; private set; }

    public async Task GenerateAsync(CancellationToken cancellationToken)
    {
        var setup = new List<NewLineageNode>
        {
            Artifact("data", "lookup@1", T0, []),
            Artifact("data", "holdout@1", T0, []),
        };
        for (var p = 0; p < pipelines; p++)
        {
            setup.Add(new NewLineageNode(NodeType.Agent, "user", $"team{p % 40}@host{p}", null, null, T0, null, []));
            setup.Add(Artifact("data", $"source{p}@1", T0, []));
        }
        var ids = await store.AppendBatchAsync(setup, cancellationToken).ConfigureAwait(false);
        var lookup = ids[0];
        HotRawFile = ids[1];
        var agent = new long[pipelines];
        var source = new long[pipelines];
        for (var p = 0; p < pipelines; p++)
        {
            agent[p] = ids[2 + (2 * p)];
            source[p] = ids[3 + (2 * p)];
        }
        var lastRaw = new long[pipelines];
        var lastDs = new long[pipelines];
        var lastModel = new long[pipelines];
        var batch = new List<NewLineageNode>(pipelines * 18);
        var rawAt = new int[pipelines];
        var dsAt = new int[pipelines];
        var modelAt = new int[pipelines];
        for (var i = 1; i <= iterations; i++)
        {
            batch.Clear();
            var t = T0.AddHours(i);
            for (var p = 0; p < pipelines; p++)
            {
                long Ref(int position) => -(position + 1);
                int Add(NewLineageNode n)
                {
                    batch.Add(n);
                    return batch.Count - 1;
                }
                var a = new LineageEdgeFrom(agent[p], Relation.Associated);
                var ingestIn = new List<LineageEdgeFrom> { new(source[p], Relation.Used, "source"), a };
                if (lastRaw[p] != 0) ingestIn.Add(new(lastRaw[p], Relation.Used, "previous"));
                var ingest = Add(Run("ingest", t, ingestIn));
                var raw = Add(Artifact("data", $"raw{p}@{i}", t, [new(Ref(ingest), Relation.Generated)]));
                var validate = Add(Run("validate", t, [new(Ref(raw), Relation.Used, "data"), a]));
                var report = Add(Artifact("report", $"validation{p}@{i}", t, [new(Ref(validate), Relation.Generated)]));
                var prepIn = new List<LineageEdgeFrom> { new(Ref(raw), Relation.Used, "raw"), new(Ref(report), Relation.Used, "validation"), new(lookup, Relation.Used, "lookup"), a };
                if (lastDs[p] != 0) prepIn.Add(new(lastDs[p], Relation.Used, "previous"));
                var prep = Add(Run("preprocess", t, prepIn));
                var ds = Add(Artifact("data", $"ds{p}@{i}", t, [new(Ref(prep), Relation.Generated), new(Ref(raw), Relation.Derived)]));
                Add(Artifact("log", $"preprocess-log{p}@{i}", t, [new(Ref(prep), Relation.Generated)]));
                Add(Artifact("report", $"profile{p}@{i}", t, [new(Ref(prep), Relation.Generated)]));
                var code = Add(Artifact("code", $"code{p}@{i}", t, []));
                var env = Add(Artifact("env", $"env{p}@{i}", t, []));
                var trainIn = new List<LineageEdgeFrom> { new(Ref(ds), Relation.Used, "train"), new(Ref(code), Relation.Used, "code"), new(Ref(env), Relation.Used, "env"), a };
                if (lastModel[p] != 0) trainIn.Add(new(lastModel[p], Relation.Used, "warm-start"));
                var train = Add(Run("train", t, trainIn));
                var model = Add(Artifact("model", $"model{p}@{i}", t, [new(Ref(train), Relation.Generated), new(Ref(ds), Relation.Derived)]));
                Add(Artifact("log", $"train-log{p}@{i}", t, [new(Ref(train), Relation.Generated)]));
                var evalIn = new List<LineageEdgeFrom> { new(Ref(model), Relation.Used, "model"), new(Ref(ds), Relation.Used, "data"), a };
                if (p % 4 == 0) evalIn.Add(new(HotRawFile, Relation.Used, "holdout"));
                var eval = Add(Run("evaluate", t, evalIn));
                Add(Artifact("metrics", $"metrics{p}@{i}", t, [new(Ref(eval), Relation.Generated), new(Ref(model), Relation.Derived)]));
                Add(Artifact("report", $"evaluation{p}@{i}", t, [new(Ref(eval), Relation.Generated)]));
                Add(Artifact("predictions", $"predictions{p}@{i}", t, [new(Ref(eval), Relation.Generated)]));
                if (i % 10 == 9)
                {
                    var pack = Add(Run("package", t, [new(Ref(model), Relation.Used, "model"), a]));
                    Add(Artifact("report", $"package{p}@{i}", t, [new(Ref(pack), Relation.Generated)]));
                }
                rawAt[p] = raw;
                dsAt[p] = ds;
                modelAt[p] = model;
            }
            var batchIds = await store.AppendBatchAsync(batch, cancellationToken).ConfigureAwait(false);
            for (var p = 0; p < pipelines; p++)
            {
                lastRaw[p] = batchIds[rawAt[p]];
                lastDs[p] = batchIds[dsAt[p]];
                lastModel[p] = batchIds[modelAt[p]];
            }
            if (i == Math.Max(1, iterations / 2)) TypicalModel = lastModel[pipelines / 2];
        }
        var end = T0.AddHours(iterations + 1);
        var finalIn = lastDs.Select(d => new LineageEdgeFrom(d, Relation.Used, "train")).ToList();
        var last = await store.AppendBatchAsync(
            [
                Run("train-global", end, finalIn),
                Artifact("model", "global@1", end, [new(-1, Relation.Generated)]),
            ],
            cancellationToken).ConfigureAwait(false);
        AllConsumingModel = last[1];
    }

    private static NewLineageNode Run(string stage, DateTimeOffset t, IReadOnlyList<LineageEdgeFrom> incoming) =>
        new(NodeType.Run, "stage", stage, null, null, t, null, incoming);

    private NewLineageNode Artifact(string kind, string label, DateTimeOffset t, IReadOnlyList<LineageEdgeFrom> incoming)
    {
        Span<byte> b = stackalloc byte[32];
        _random.NextBytes(b);
        return new NewLineageNode(NodeType.Artifact, kind, label, Digest.FromBytes(b), null, t, null, incoming);
    }
}
