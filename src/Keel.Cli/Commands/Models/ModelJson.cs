using Keel.Models.Testing;
using Keel.Registry;

namespace Keel.Cli.Commands.Models;

/// <summary>The --json shapes of registry commands (documented in docs/serving.md).</summary>
internal static class ModelJson
{
    public static object Version(ModelVersion v, IEnumerable<string>? aliases = null) => new
    {
        @ref = v.Ref, name = v.Name, version = v.Version, flavor = v.Flavor, digest = v.Digest.ToString(), canonical_digest = v.CanonicalDigest.ToString(),
        source = v.Source, training_data = v.TrainingData?.ToString(), created_at = v.CreatedAt, user = v.User, host = v.Host, lineage_node = v.NodeId,
        aliases = aliases?.ToArray() ?? [],
        card = new { description = v.Card.Description, owner = v.Card.Owner, intended_use = v.Card.IntendedUse, metrics = v.Card.Metrics },
        signature = new
        {
            training_rows = v.Signature.TrainingRows,
            outputs = v.Signature.Outputs,
            inputs = v.Signature.Inputs.Select(f => new { name = f.Name, type = f.Type.ToString().ToLowerInvariant(), allows_missing = f.AllowsMissing, min = f.Min, max = f.Max, categories = f.Categories }),
        },
    };

    public static object Report(TestReport r) => new
    {
        model = $"{r.Model}@{r.Version}", passed = r.Passed, data = r.Data,
        results = r.Results.Select(x => new { name = x.Name, type = x.Type, passed = x.Passed, value = x.Value, threshold = x.Threshold, detail = x.Detail }),
    };

    public static object Deployment(Deployment d) => new
    {
        id = d.Id, run_id = d.RunId, action = d.Action, model = $"{d.Name}@{d.Version}", name = d.Name, alias = d.Alias, version = d.Version,
        previous_version = d.PreviousVersion, canary_percent = d.CanaryPercent, package = d.Package?.ToString(), lineage_node = d.NodeId, created_at = d.CreatedAt,
    };
}
