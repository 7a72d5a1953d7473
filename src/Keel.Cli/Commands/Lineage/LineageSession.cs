using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Keel.Lineage;
using Keel.Workspaces;

namespace Keel.Cli.Commands.Lineage;

/// <summary>What every lineage verb opens: the workspace, the index built from its store, and the resolver.</summary>
internal sealed class LineageSession : IDisposable
{
    private LineageSession(Workspace workspace, LineageIndex index)
    {
        Workspace = workspace;
        Index = index;
        Resolver = new LineageResolver(workspace.Metadata, index);
    }

    public Workspace Workspace { get; }

    public LineageIndex Index { get; }

    public LineageResolver Resolver { get; }

    public static async Task<LineageSession> OpenAsync(CancellationToken cancellationToken)
    {
        var ws = CliContext.OpenWorkspace();
        try
        {
            var index = await LineageIndex.LoadOrBuildAsync(ws.Metadata.Lineage, Path.Combine(ws.KeelDir, "cache", "lineage.idx"), cancellationToken).ConfigureAwait(false);
            return new LineageSession(ws, index);
        }
        catch
        {
            ws.Dispose();
            throw;
        }
    }

    public static Option<string> AsOfOption() => new("--as-of")
    {
        Description = "resolve aliases and see the graph as it was at this time (ISO 8601, e.g. 2026-03-01 or 2026-03-01T12:00:00Z; UTC unless an offset is given)",
    };

    public static DateTimeOffset? ParseAsOf(string? text)
    {
        if (text is null) return null;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            // A bare date means the end of that day: "as of March 1st" includes March 1st.
            return text.Length == 10 ? t.AddDays(1).AddMilliseconds(-1) : t;
        }
        throw new KeelException($"--as-of '{text}' is not a date or time; use ISO 8601, as in 2026-03-01 or 2026-03-01T12:00:00Z");
    }

    public static long Ms(DateTimeOffset? t) => t?.ToUnixTimeMilliseconds() ?? long.MaxValue;

    public static object NodeJson(LineageNode n, int? depth = null) => new
    {
        id = n.Id,
        type = n.Type.ToString().ToLowerInvariant(),
        kind = n.Kind,
        label = n.Label,
        digest = n.Digest?.ToString(),
        run_id = n.RunId,
        created_at = n.CreatedAt,
        depth,
        attributes = n.Attributes is null ? null : JsonNode.Parse(n.Attributes),
    };

    public static object IndexNodeJson(LineageIndex ix, int n, int? depth = null) => new
    {
        id = ix.IdOf(n),
        type = ix.TypeOf(n).ToString().ToLowerInvariant(),
        kind = ix.KindOf(n),
        label = ix.LabelOf(n),
        depth,
    };

    public static string Pretty(JsonNode node) => node.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    public void Dispose() => Workspace.Dispose();
}
