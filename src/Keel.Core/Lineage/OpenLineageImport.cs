using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Keel.Metadata;
using Keel.Objects;

namespace Keel.Lineage;

/// <summary>What an import added.</summary>
public sealed record ImportResult(int Events, int Runs, int Datasets, int RunsAlreadyKnown, int DatasetsLinked);

/// <summary>
/// Reads OpenLineage RunEvents (JSON lines) from any producer into the graph: each dataset
/// version becomes an artifact node, each run a run node with used and generated edges, in
/// topological order, in one transaction. A cycle or any invalid line rejects the whole file.
/// </summary>
public static class OpenLineageImport
{
    private sealed class RunInfo(string id, string ns, string job, DateTimeOffset time, string producer)
    {
        public string Id { get; } = id;
        public string Namespace { get; } = ns;
        public string Job { get; } = job;
        public string Producer { get; } = producer;
        public DateTimeOffset First { get; set; } = time;
        public SortedSet<string> Types { get; } = new(StringComparer.Ordinal);
        public List<string> Inputs { get; } = [];
        public List<string> Outputs { get; } = [];
    }

    private sealed record DatasetInfo(string Key, string Namespace, string Name, string? Version, DateTimeOffset First);

    public static async Task<ImportResult> ImportAsync(IMetadataStore metadata, TextReader reader, string source, CancellationToken cancellationToken)
    {
        var runs = new Dictionary<string, RunInfo>(StringComparer.Ordinal);
        var datasets = new Dictionary<string, DatasetInfo>(StringComparer.Ordinal);
        var events = 0;
        var lineNo = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            events++;
            ReadEvent(line, $"{source}:{lineNo}", runs, datasets);
        }
        if (events == 0) throw new KeelException($"{source}: no events; expected one OpenLineage RunEvent per line");

        var byKey = runs.Values.ToDictionary(RunKey, StringComparer.Ordinal);
        var producers = byKey.SelectMany(kv => kv.Value.Outputs.Select(o => (Dataset: o, Run: kv.Key))).ToLookup(x => x.Dataset, x => x.Run);
        var order = TopologicalOrder(byKey, datasets);

        var nodes = new List<NewLineageNode>();
        var placed = new Dictionary<string, long>(StringComparer.Ordinal);
        int known = 0, linked = 0, newRuns = 0, newDatasets = 0;
        foreach (var key in order)
        {
            if (datasets.TryGetValue(key, out var d))
            {
                var digest = Digest.TryParse(d.Version, out var dg) ? dg : (Digest?)null;
                if (digest is { } g && !producers[key].Any())
                {
                    // A version Keel already knows by its bytes: link to it rather than copy it.
                    var existing = await metadata.LineageCatalog.FindByDigestAsync(g, cancellationToken).ConfigureAwait(false);
                    if (existing.LastOrDefault(n => n.Type == NodeType.Artifact) is { } hit)
                    {
                        placed[key] = hit.Id;
                        linked++;
                        continue;
                    }
                }
                var attrs = new JsonObject { ["external"] = "true", ["namespace"] = d.Namespace, ["name"] = d.Name, ["version"] = d.Version };
                var from = producers[key].Select(r => new LineageEdgeFrom(placed[r], Relation.Generated)).ToList();
                nodes.Add(new NewLineageNode(NodeType.Artifact, "data", d.Name, digest, null, d.First, attrs.ToJsonString(), from));
                placed[key] = -nodes.Count;
                newDatasets++;
                continue;
            }
            var r = byKey[key];
            var already = await metadata.LineageCatalog.FindByRunIdPrefixAsync(r.Id, cancellationToken).ConfigureAwait(false);
            if (already.LastOrDefault(n => n.RunId == r.Id) is { } same)
            {
                placed[key] = same.Id;
                known++;
                continue;
            }
            var incoming = r.Inputs.Select(i => new LineageEdgeFrom(placed[i], Relation.Used)).ToList();
            var runAttrs = new JsonObject
            {
                ["external"] = "true", ["stage"] = r.Job, ["job_namespace"] = r.Namespace, ["producer"] = r.Producer,
                ["event_types"] = string.Join(',', r.Types),
            };
            nodes.Add(new NewLineageNode(NodeType.Run, "external", r.Job, null, r.Id, r.First, runAttrs.ToJsonString(), incoming));
            placed[key] = -nodes.Count;
            newRuns++;
        }
        if (nodes.Count > 0) await metadata.Lineage.AppendBatchAsync(nodes, cancellationToken).ConfigureAwait(false);
        return new ImportResult(events, newRuns, newDatasets, known, linked);
    }

    private static void ReadEvent(string line, string where, Dictionary<string, RunInfo> runs, Dictionary<string, DatasetInfo> datasets)
    {
        JsonElement e;
        try
        {
            using var doc = JsonDocument.Parse(line);
            e = doc.RootElement.Clone();
        }
        catch (JsonException x)
        {
            throw new KeelException($"{where}: not JSON: {x.Message}");
        }
        if (e.ValueKind != JsonValueKind.Object) throw new KeelException($"{where}: an event must be a JSON object");
        var time = Required(e, "eventTime", where);
        if (!DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
            throw new KeelException($"{where}: eventTime '{time}' is not an ISO 8601 date-time");
        var producer = Required(e, "producer", where);
        Required(e, "schemaURL", where);
        if (!e.TryGetProperty("run", out var run) || run.ValueKind != JsonValueKind.Object)
            throw new KeelException($"{where}: 'run' is missing; only RunEvents can be imported");
        var runId = Required(run, "runId", where, "run.runId");
        if (!Guid.TryParse(runId, out _)) throw new KeelException($"{where}: run.runId '{runId}' is not a UUID");
        if (!e.TryGetProperty("job", out var job) || job.ValueKind != JsonValueKind.Object) throw new KeelException($"{where}: 'job' is missing");
        var ns = Required(job, "namespace", where, "job.namespace");
        var name = Required(job, "name", where, "job.name");
        var type = e.TryGetProperty("eventType", out var et) && et.ValueKind == JsonValueKind.String ? et.GetString()! : "OTHER";
        if (type is not ("START" or "RUNNING" or "COMPLETE" or "ABORT" or "FAIL" or "OTHER"))
            throw new KeelException($"{where}: eventType '{type}' is not one of START, RUNNING, COMPLETE, ABORT, FAIL, OTHER");
        if (!runs.TryGetValue(runId, out var info)) runs[runId] = info = new RunInfo(runId, ns, name, t, producer);
        else if (info.Namespace != ns || info.Job != name)
            throw new KeelException($"{where}: run {runId} was job {info.Namespace}/{info.Job} earlier in the file, now {ns}/{name}");
        if (t < info.First) info.First = t;
        info.Types.Add(type);
        foreach (var (prop, into) in new[] { ("inputs", info.Inputs), ("outputs", info.Outputs) })
        {
            if (!e.TryGetProperty(prop, out var list) || list.ValueKind == JsonValueKind.Null) continue;
            if (list.ValueKind != JsonValueKind.Array) throw new KeelException($"{where}: '{prop}' must be an array");
            foreach (var ds in list.EnumerateArray())
            {
                var dns = Required(ds, "namespace", where, $"{prop}[].namespace");
                var dname = Required(ds, "name", where, $"{prop}[].name");
                string? version = null;
                if (ds.TryGetProperty("facets", out var f) && f.ValueKind == JsonValueKind.Object && f.TryGetProperty("version", out var v)
                    && v.ValueKind == JsonValueKind.Object && v.TryGetProperty("datasetVersion", out var dv) && dv.ValueKind == JsonValueKind.String)
                    version = dv.GetString();
                var key = $"dataset {dns}/{dname}{(version is null ? "" : "@" + version)}";
                if (!datasets.ContainsKey(key)) datasets[key] = new DatasetInfo(key, dns, dname, version, t);
                if (!into.Contains(key)) into.Add(key);
            }
        }
    }

    private static string Required(JsonElement e, string prop, string where, string? path = null) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(prop, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s
            ? s
            : throw new KeelException($"{where}: '{path ?? prop}' is missing or not a string; an OpenLineage RunEvent requires it");

    /// <summary>Datasets and runs in dependency order (Kahn's algorithm); a cycle is named in full.</summary>
    private static List<string> TopologicalOrder(Dictionary<string, RunInfo> runs, Dictionary<string, DatasetInfo> datasets)
    {
        var next = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var indegree = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var k in datasets.Keys) indegree[k] = 0;
        foreach (var (rk, r) in runs.OrderBy(kv => kv.Value.First).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            indegree.TryAdd(rk, 0);
            foreach (var i in r.Inputs) Link(next, indegree, i, rk);
            foreach (var o in r.Outputs) Link(next, indegree, rk, o);
        }
        var ready = new Queue<string>(indegree.Where(kv => kv.Value == 0).Select(kv => kv.Key));
        var order = new List<string>();
        while (ready.Count > 0)
        {
            var k = ready.Dequeue();
            order.Add(k);
            foreach (var n in next.GetValueOrDefault(k) ?? [])
                if (--indegree[n] == 0) ready.Enqueue(n);
        }
        if (order.Count < indegree.Count) throw new KeelException($"the events form a cycle, so nothing was imported: {DescribeCycle(next, indegree)}");
        return order;
    }

    private static string RunKey(RunInfo r) => $"job {r.Namespace}/{r.Job} (run {r.Id})";

    private static void Link(Dictionary<string, List<string>> next, Dictionary<string, int> indegree, string from, string to)
    {
        if (!next.TryGetValue(from, out var list)) next[from] = list = [];
        if (list.Contains(to)) return;
        list.Add(to);
        indegree[to] = indegree.GetValueOrDefault(to) + 1;
    }

    private static string DescribeCycle(Dictionary<string, List<string>> next, Dictionary<string, int> indegree)
    {
        // Every node left has a predecessor left, so walking predecessors must revisit one.
        var left = indegree.Where(kv => kv.Value > 0).Select(kv => kv.Key).ToHashSet();
        var prev = next.SelectMany(kv => kv.Value.Select(to => (From: kv.Key, To: to))).Where(x => left.Contains(x.From)).ToLookup(x => x.To, x => x.From);
        var start = left.Order(StringComparer.Ordinal).First();
        var path = new List<string> { start };
        var at = new Dictionary<string, int>(StringComparer.Ordinal) { [start] = 0 };
        var cur = start;
        while (true)
        {
            cur = prev[cur].Order(StringComparer.Ordinal).First();
            if (at.TryGetValue(cur, out var first))
            {
                var cycle = path.Skip(first).Append(cur).ToList();
                cycle.Reverse();
                return string.Join(" -> ", cycle);
            }
            at[cur] = path.Count;
            path.Add(cur);
        }
    }
}
