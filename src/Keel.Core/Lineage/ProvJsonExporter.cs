using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Keel.Lineage;

/// <summary>
/// W3C PROV-JSON (member submission, 2013): entities, activities, agents and the used,
/// wasGeneratedBy, wasDerivedFrom and wasAssociatedWith relations, plus one bundle per run
/// holding that run's own descriptions.
/// </summary>
public static class ProvJsonExporter
{
    public const string Namespace = "urn:keel:lineage#";

    public static JsonObject Export(LineageGraph graph)
    {
        var doc = Document(graph.Nodes, graph.Edges);
        var bundles = new JsonObject();
        var byRun = graph.Edges.Where(e => IsRunEdge(e, graph)).ToLookup(e => RunOf(e, graph));
        foreach (var run in graph.Nodes.Where(n => n.Type == NodeType.Run))
        {
            var edges = byRun[run.Id].ToList();
            var ids = edges.SelectMany(e => new[] { e.From, e.To }).Append(run.Id).ToHashSet();
            var inner = Document(graph.Nodes.Where(n => ids.Contains(n.Id)).ToList(), edges);
            inner.Remove("prefix");
            bundles[$"keel:bundle-{run.Id}"] = inner;
        }
        if (bundles.Count > 0) doc["bundle"] = bundles;
        return doc;
    }

    public static string Id(LineageNode n) => $"keel:n{n.Id.ToString(CultureInfo.InvariantCulture)}";

    private static bool IsRunEdge(LineageEdge e, LineageGraph g) =>
        g.Find(e.To)?.Type == NodeType.Run || (e.Relation == Relation.Generated && g.Find(e.From)?.Type == NodeType.Run);

    private static long RunOf(LineageEdge e, LineageGraph g) => g.Find(e.To)?.Type == NodeType.Run ? e.To : e.From;

    private static JsonObject Document(IReadOnlyList<LineageNode> nodes, IReadOnlyList<LineageEdge> edges)
    {
        var byId = nodes.ToDictionary(n => n.Id);
        var entity = new JsonObject();
        var activity = new JsonObject();
        var agent = new JsonObject();
        foreach (var n in nodes)
        {
            var o = new JsonObject
            {
                ["prov:label"] = n.Label,
                ["prov:type"] = new JsonObject { ["$"] = $"keel:{n.Kind}", ["type"] = "prov:QUALIFIED_NAME" },
            };
            if (n.Digest is { } d) o["keel:digest"] = d.ToString();
            if (n.RunId is { } r) o["keel:runId"] = r;
            if (n.Type == NodeType.Run) o["prov:startTime"] = Time(n.CreatedAt);
            else o["keel:createdAt"] = new JsonObject { ["$"] = Time(n.CreatedAt), ["type"] = "xsd:dateTime" };
            AddAttributes(o, n.Attributes);
            (n.Type switch { NodeType.Artifact => entity, NodeType.Run => activity, _ => agent })[Id(n)] = o;
        }
        var used = new JsonObject();
        var generated = new JsonObject();
        var derived = new JsonObject();
        var associated = new JsonObject();
        var k = 0;
        foreach (var e in edges)
        {
            if (!byId.TryGetValue(e.From, out var from) || !byId.TryGetValue(e.To, out var to)) continue;
            var key = $"_:e{k++}";
            switch (e.Relation)
            {
                case Relation.Used:
                    used[key] = WithRole(new JsonObject { ["prov:activity"] = Id(to), ["prov:entity"] = Id(from), ["prov:time"] = Time(to.CreatedAt) }, e.Role);
                    break;
                case Relation.Generated:
                    generated[key] = WithRole(new JsonObject { ["prov:entity"] = Id(to), ["prov:activity"] = Id(from), ["prov:time"] = Time(to.CreatedAt) }, e.Role);
                    break;
                case Relation.Derived:
                    derived[key] = new JsonObject { ["prov:generatedEntity"] = Id(to), ["prov:usedEntity"] = Id(from) };
                    break;
                default:
                    associated[key] = WithRole(new JsonObject { ["prov:activity"] = Id(to), ["prov:agent"] = Id(from) }, e.Role);
                    break;
            }
        }
        var doc = new JsonObject
        {
            ["prefix"] = new JsonObject { ["keel"] = Namespace, ["xsd"] = "http://www.w3.org/2001/XMLSchema#" },
        };
        void Put(string name, JsonObject value)
        {
            if (value.Count > 0) doc[name] = value;
        }
        Put("entity", entity);
        Put("activity", activity);
        Put("agent", agent);
        Put("used", used);
        Put("wasGeneratedBy", generated);
        Put("wasDerivedFrom", derived);
        Put("wasAssociatedWith", associated);
        return doc;
    }

    private static JsonObject WithRole(JsonObject o, string? role)
    {
        if (role is not null) o["prov:role"] = role;
        return o;
    }

    private static void AddAttributes(JsonObject o, string? attributes)
    {
        if (string.IsNullOrWhiteSpace(attributes)) return;
        using var doc = JsonDocument.Parse(attributes);
        if (doc.RootElement.ValueKind != JsonValueKind.Object) return;
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            JsonNode? value = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString(),
                JsonValueKind.Number => JsonValue.Create(p.Value.GetDouble()),
                JsonValueKind.True or JsonValueKind.False => p.Value.GetBoolean(),
                JsonValueKind.Null => null,
                // Structured values (params) travel as JSON text: PROV attribute values are literals.
                _ => p.Value.GetRawText(),
            };
            if (value is not null) o[$"keel:{p.Name}"] = value;
        }
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
