using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Keel.Lineage;
using Keel.Objects;

namespace Keel.Reproduction.Attestations;

/// <summary>
/// The in-toto Statement v1 a verification signs: subject = the artifact (sha256 and blake3 of
/// its bytes), predicate = SLSA Provenance v1 built from the recorded producer run (recipe,
/// command, params, seed; resolved dependencies = code, inputs and environment with digests),
/// and the verification result as a byproduct (its JSON embedded, with a summary in annotations).
/// </summary>
public static class ProvenanceStatement
{
    public const string StatementType = "https://in-toto.io/Statement/v1";
    public const string SlsaProvenance = "https://slsa.dev/provenance/v1";
    public const string BuildType = "https://keel.dev/build/recorded-run/v1";
    public const string BuilderId = "https://keel.dev/builder/keel";

    public static JsonObject Build(IObjectStore store, ReproductionPlan plan, JsonObject verification, byte[] verificationJson, string keelVersion, DateTimeOffset started, DateTimeOffset finished, string invocationId)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(plan);
        var subject = plan.Subject;
        var subjects = new JsonArray();
        if (subject.Digest is { } d)
            subjects.Add(new JsonObject { ["name"] = subject.Label, ["digest"] = DigestSet(store, d) });
        var producer = plan.Producer;
        var deps = new JsonArray();
        if (producer?.GitCommit is { } commit)
            deps.Add(new JsonObject { ["name"] = "code", ["uri"] = $"git+commit:{commit}", ["digest"] = new JsonObject { ["gitCommit"] = commit } });
        foreach (var step in plan.Steps)
        {
            if (step.GitDiff is { } diff && !deps.Any(x => x?["name"]?.GetValue<string>() == $"diff:{diff.Short}"))
                deps.Add(Resource($"diff:{diff.Short}", diff, "text/x-diff"));
        }
        foreach (var raw in plan.RawInputs)
            if (raw.Digest is { } rd) deps.Add(Resource(raw.Path ?? raw.Label, rd, null));
        if (producer is not null)
            foreach (var input in producer.Inputs)
                if (input.Digest is { } id && !plan.RawInputs.Any(r => r.Node == input.Node)) deps.Add(Resource(input.Path ?? input.Label, id, null));
        var env = producer?.Environment;
        var buildDefinition = new JsonObject
        {
            ["buildType"] = BuildType,
            ["externalParameters"] = new JsonObject
            {
                ["stage"] = producer?.Stage,
                ["command"] = producer?.Command,
                ["params"] = new JsonObject((producer?.Params ?? new Dictionary<string, string>()).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
                ["seed"] = producer?.Seed,
            },
            ["internalParameters"] = new JsonObject
            {
                ["recipe"] = RunAttributes.Parse(plan.Graph.Find(producer?.Node ?? -1)?.Attributes).Recipe?.ToString(),
                ["steps"] = new JsonArray(plan.Steps.Select(s => (JsonNode)new JsonObject { ["stage"] = s.Stage, ["run_id"] = s.RunId, ["command"] = s.Command, ["seed"] = s.Seed }).ToArray()),
            },
            ["resolvedDependencies"] = deps,
        };
        var byproducts = new JsonArray
        {
            new JsonObject
            {
                ["name"] = "keel-verification.json",
                ["mediaType"] = "application/json",
                ["digest"] = new JsonObject { ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(verificationJson)) },
                ["content"] = Convert.ToBase64String(verificationJson),
                ["annotations"] = verification.DeepClone(),
            },
        };
        if (env is { } e) byproducts.Add(Resource("environment", e, "application/json"));
        return new JsonObject
        {
            ["_type"] = StatementType,
            ["subject"] = subjects,
            ["predicateType"] = SlsaProvenance,
            ["predicate"] = new JsonObject
            {
                ["buildDefinition"] = buildDefinition,
                ["runDetails"] = new JsonObject
                {
                    ["builder"] = new JsonObject { ["id"] = BuilderId, ["version"] = new JsonObject { ["keel"] = keelVersion } },
                    ["metadata"] = new JsonObject { ["invocationId"] = invocationId, ["startedOn"] = started.ToString("O"), ["finishedOn"] = finished.ToString("O") },
                    ["byproducts"] = byproducts,
                },
            },
        };
    }

    /// <summary>sha256 (what most verifiers know) beside blake3 (Keel's object name).</summary>
    public static JsonObject DigestSet(IObjectStore store, Digest digest)
    {
        ArgumentNullException.ThrowIfNull(store);
        var set = new JsonObject();
        if (store.Contains(digest))
        {
            using var s = store.OpenRead(digest);
            set["sha256"] = Convert.ToHexStringLower(SHA256.HashData(s));
        }
        set["blake3"] = digest.Hex;
        return set;
    }

    private static JsonObject Resource(string name, Digest digest, string? mediaType)
    {
        var r = new JsonObject { ["name"] = name, ["digest"] = new JsonObject { ["blake3"] = digest.Hex } };
        if (mediaType is not null) r["mediaType"] = mediaType;
        return r;
    }
}
