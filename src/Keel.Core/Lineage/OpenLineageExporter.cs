using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Keel.Objects;

namespace Keel.Lineage;

/// <summary>
/// OpenLineage 2-0-2 RunEvents: a START and a COMPLETE per run, datasets named by their
/// label's name in the workspace's namespace, a <c>version</c> facet carrying the digest,
/// <c>sourceCodeLocation</c> from the git commit and a <c>parent</c> facet for pipeline stages.
/// </summary>
public static class OpenLineageExporter
{
    public const string SchemaUrl = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";
    public const string Producer = "urn:keel:cli:0.1";
    private const string FacetBase = "https://openlineage.io/spec/facets/";

    public static IReadOnlyList<JsonObject> Export(LineageGraph graph, string workspaceNamespace)
    {
        var incoming = graph.Edges.ToLookup(e => e.To);
        var outgoing = graph.Edges.ToLookup(e => e.From);
        var events = new List<JsonObject>();
        foreach (var run in graph.Nodes.Where(n => n.Type == NodeType.Run))
        {
            var inputs = incoming[run.Id].Where(e => e.Relation == Relation.Used).Select(e => graph.Find(e.From)).OfType<LineageNode>().ToList();
            var outputs = outgoing[run.Id].Where(e => e.Relation == Relation.Generated).Select(e => graph.Find(e.To)).OfType<LineageNode>().ToList();
            var end = outputs.Count > 0 ? outputs.Max(o => o.CreatedAt) : run.CreatedAt;
            events.Add(Event("START", run.CreatedAt, run, inputs, [], workspaceNamespace));
            events.Add(Event("COMPLETE", end, run, inputs, outputs, workspaceNamespace));
        }
        return events;
    }

    /// <summary>An OpenLineage runId (a UUID) for a Keel run: its own id when it is one, else a UUIDv8 from its hash.</summary>
    public static string RunUuid(LineageNode run)
    {
        var key = run.RunId ?? $"node-{run.Id}";
        if (Guid.TryParse(key, out var g)) return g.ToString();
        return UuidOf(key);
    }

    internal static string UuidOf(string key)
    {
        Span<byte> b = stackalloc byte[32];
        Convert.FromHexString(ContentHasher.Hash(Encoding.UTF8.GetBytes(key)).Hex, b, out _, out _);
        b[6] = (byte)((b[6] & 0x0F) | 0x80);
        b[8] = (byte)((b[8] & 0x3F) | 0x80);
        return new Guid(b[..16], bigEndian: true).ToString();
    }

    /// <summary>The dataset name of an artifact: its label without the version.</summary>
    public static string DatasetName(LineageNode a)
    {
        var at = a.Label.LastIndexOf('@');
        return at > 0 && int.TryParse(a.Label.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _) ? a.Label[..at] : a.Label;
    }

    private static JsonObject Event(string type, DateTimeOffset time, LineageNode run, List<LineageNode> inputs, List<LineageNode> outputs, string ns)
    {
        var attrs = RunAttributes.Parse(run.Attributes);
        var runFacets = new JsonObject
        {
            ["keel_run"] = Facet("urn:keel:facets:KeelRunFacet", new JsonObject
            {
                ["runId"] = run.RunId,
                ["node"] = run.Id,
                ["kind"] = run.Kind,
                ["command"] = attrs.Command,
                ["seed"] = attrs.Seed,
                ["params"] = new JsonObject(attrs.Params.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            }),
        };
        var pipelineRun = RunAttributes.Text(run.Attributes, "pipeline_run");
        if (pipelineRun is not null)
        {
            runFacets["parent"] = Facet($"{FacetBase}1-0-1/ParentRunFacet.json#/$defs/ParentRunFacet", new JsonObject
            {
                ["run"] = new JsonObject { ["runId"] = Guid.TryParse(pipelineRun, out var g) ? g.ToString() : UuidOf(pipelineRun) },
                ["job"] = new JsonObject { ["namespace"] = ns, ["name"] = RunAttributes.Text(run.Attributes, "pipeline") ?? "pipeline" },
            });
        }
        var jobFacets = new JsonObject();
        if (attrs.GitCommit is not null)
        {
            jobFacets["sourceCodeLocation"] = Facet($"{FacetBase}1-0-1/SourceCodeLocationJobFacet.json#/$defs/SourceCodeLocationJobFacet", new JsonObject
            {
                ["type"] = "git",
                ["url"] = RunAttributes.Text(run.Attributes, "git_remote") ?? ns,
                ["version"] = attrs.GitCommit,
            });
        }
        return new JsonObject
        {
            ["eventType"] = type,
            ["eventTime"] = time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["producer"] = Producer,
            ["schemaURL"] = SchemaUrl,
            ["run"] = new JsonObject { ["runId"] = RunUuid(run), ["facets"] = runFacets },
            ["job"] = new JsonObject { ["namespace"] = ns, ["name"] = attrs.Stage ?? run.Label, ["facets"] = jobFacets },
            ["inputs"] = new JsonArray(inputs.Select(a => (JsonNode)Dataset(a, ns)).ToArray()),
            ["outputs"] = new JsonArray(outputs.Select(a => (JsonNode)Dataset(a, ns)).ToArray()),
        };
    }

    private static JsonObject Dataset(LineageNode a, string ns)
    {
        var facets = new JsonObject();
        if (a.Digest is { } d)
            facets["version"] = Facet($"{FacetBase}1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet", new JsonObject { ["datasetVersion"] = d.ToString() });
        facets["keel_artifact"] = Facet("urn:keel:facets:KeelArtifactFacet", new JsonObject
        {
            ["label"] = a.Label,
            ["kind"] = a.Kind,
            ["node"] = a.Id,
            ["path"] = RunAttributes.Text(a.Attributes, "path"),
        });
        return new JsonObject { ["namespace"] = ns, ["name"] = DatasetName(a), ["facets"] = facets };
    }

    private static JsonObject Facet(string schema, JsonObject body)
    {
        var o = new JsonObject { ["_producer"] = Producer, ["_schemaURL"] = schema };
        foreach (var (k, v) in body.ToList())
        {
            body.Remove(k);
            if (v is not null) o[k] = v;
        }
        return o;
    }
}
