using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Keel.Lineage;
using Keel.Objects;

namespace Keel.Reproduction.Attestations;

/// <summary>What <c>keel attest verify</c> found.</summary>
public sealed record AttestationCheck(bool Valid, string? KeyId, IReadOnlyList<string> Subjects, string? Verdict, IReadOnlyList<string> Problems)
{
    /// <summary>False for a bare in-toto statement (what <c>keel verify</c> writes without a signing key): nobody vouches for it.</summary>
    public bool Signed { get; init; } = true;
}

/// <summary>
/// Checks a DSSE-wrapped in-toto statement: a signature by a trusted key over the PAE (an
/// untrusted key is refused by id), then each subject against the object store (re-hashed with
/// BLAKE3 and SHA-256), so a changed byte in the attestation or in the artifact is caught; and,
/// given the workspace's lineage, the attested lineage log head against the log as it is now, so
/// history rewritten or cut short since the attestation was signed is caught. A bare statement
/// (no envelope) is told apart from a damaged envelope: its subjects are checked, but it is
/// reported unsigned and never valid.
/// </summary>
public static class AttestationVerifier
{
    /// <param name="keelDir">The workspace's .keel folder: where public keys that came in bundles are kept (to name the file to trust) and which runs were imported.</param>
    public static AttestationCheck Verify(string envelopeJson, KeyStore keys, IObjectStore? store, ILineageCatalog? lineage = null, string? keelDir = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var signers = keelDir is null ? null : SignerKeys.Dir(keelDir);
        IReadOnlySet<string> imported = keelDir is null ? new HashSet<string>() : Bundles.ImportedRuns.Load(keelDir).Keys.ToHashSet(StringComparer.Ordinal);
        if (IsBareStatement(envelopeJson) is { } bare)
        {
            try
            {
                var (subjects, bareVerdict, found) = CheckStatement(bare, store, lineage, imported);
                return new AttestationCheck(false, null, subjects, bareVerdict, found) { Signed = false };
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException)
            {
                throw new KeelException($"the unsigned statement is malformed ({e.Message}); nothing in it can be checked", ExitCodes.CheckFailed);
            }
        }
        var envelope = Dsse.Parse(envelopeJson);
        if (envelope.PayloadType != Dsse.InTotoPayloadType)
            throw new KeelException($"the attestation's payload type is '{envelope.PayloadType}', not {Dsse.InTotoPayloadType}", ExitCodes.CheckFailed);
        string? signedBy = null;
        var untrusted = new List<string>();
        foreach (var sig in envelope.Signatures)
        {
            using var key = keys.TrustedKey(sig.KeyId);
            if (key is null)
            {
                untrusted.Add(sig.KeyId);
                continue;
            }
            if (Dsse.Verify(envelope, sig, key)) signedBy = sig.KeyId;
            else throw new KeelException($"the signature by {sig.KeyId} does not verify: the attestation was altered after signing", ExitCodes.CheckFailed);
        }
        if (signedBy is null)
        {
            var carried = untrusted.Select(id => SignerKeys.PathOf(signers, id)).OfType<string>().FirstOrDefault();
            throw new KeelException($"refused: the attestation is signed by an untrusted key {string.Join(", ", untrusted)}; "
                + (carried is null
                    ? "if you know its owner, 'keel keys trust PUBLIC_KEY_FILE' and retry"
                    : $"its public key came in a bundle: if you know its owner and the fingerprint matches what they tell you, 'keel keys trust {carried}' and retry"),
                ExitCodes.CheckFailed);
        }

        JsonObject statement;
        try
        {
            statement = JsonNode.Parse(envelope.Payload) as JsonObject ?? throw new KeelException("the attested payload is not a JSON object", ExitCodes.CheckFailed);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new KeelException($"the attested payload is not JSON: {e.Message}", ExitCodes.CheckFailed);
        }
        var (names, verdict, problems) = CheckStatement(statement, store, lineage, imported);
        return new AttestationCheck(problems.Count == 0, signedBy, names, verdict, problems);
    }

    /// <summary>The statement itself when the text is a bare in-toto statement rather than an envelope; null otherwise.</summary>
    private static JsonObject? IsBareStatement(string text)
    {
        try
        {
            return JsonNode.Parse(text) is JsonObject o && o.ContainsKey("_type")
                && !o.ContainsKey("payloadType") && !o.ContainsKey("payload") && !o.ContainsKey("signatures") ? o : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null; // Dsse.Parse names what is wrong with it.
        }
    }

    private static (List<string> Subjects, string? Verdict, List<string> Problems) CheckStatement(JsonObject statement, IObjectStore? store, ILineageCatalog? lineage, IReadOnlySet<string> imported)
    {
        if (statement["_type"] is not JsonValue t || !t.TryGetValue<string>(out var type) || type != ProvenanceStatement.StatementType)
            throw new KeelException("the attested payload is not an in-toto Statement v1", ExitCodes.CheckFailed);
        var problems = new List<string>();
        var names = new List<string>();
        foreach (var subject in statement["subject"]?.AsArray() ?? [])
        {
            var name = subject?["name"]?.GetValue<string>() ?? "?";
            names.Add(name);
            var blake = subject?["digest"]?["blake3"]?.GetValue<string>();
            var sha = subject?["digest"]?["sha256"]?.GetValue<string>();
            if (store is null) continue;
            if (!Digest.TryParse(Digest.Prefix + blake, out var d)) { problems.Add($"{name}: no blake3 digest"); continue; }
            if (!store.Contains(d)) { problems.Add($"{name}: {d} is not in this workspace's object store"); continue; }
            byte[] bytes;
            try
            {
                // The store's stream checks the bytes against their name as they are read.
                using var s = store.OpenRead(d);
                using var buffer = new MemoryStream();
                s.CopyTo(buffer);
                bytes = buffer.ToArray();
            }
            catch (ObjectCorruptException)
            {
                problems.Add($"{name}: the stored object {d} no longer hashes to its name (the artifact was altered)");
                continue;
            }
            if (sha is not null && Convert.ToHexStringLower(SHA256.HashData(bytes)) != sha) problems.Add($"{name}: sha256 differs from the attested one");
        }
        var annotations = statement["predicate"]?["runDetails"]?["byproducts"]?.AsArray()
            .FirstOrDefault(b => b?["name"]?.GetValue<string>() == "keel-verification.json")?["annotations"];
        if (lineage is not null && LogProblem(annotations?["lineage_log"], lineage, imported) is { } logProblem) problems.Add(logProblem);
        var verdict = statement["predicate"]?["runDetails"]?["byproducts"]?.AsArray()
            .FirstOrDefault(b => b?["name"]?.GetValue<string>() == "keel-verification.json")?["annotations"]?["verdict"]?.GetValue<string>();
        return (names, verdict, problems);
    }

    /// <summary>The attested log had <c>entries</c> entries ending at <c>head</c>: the log now must still have that entry with that head.</summary>
    private static string? LogProblem(JsonNode? attested, ILineageCatalog lineage, IReadOnlySet<string> imported)
    {
        if (attested?["entries"]?.GetValue<long>() is not { } entries || entries == 0) return null;
        if (!Digest.TryParse(attested["head"]?.GetValue<string>(), out var head)) return "the attested lineage log head is not a digest";
        var firstRun = attested["first_run"]?.GetValue<string>();
        // The attesting workspace's first run arrived here in a bundle: this log is another workspace's, with seals of its own.
        if (firstRun is not null && imported.Contains(firstRun)) return null;
        foreach (var (seal, _) in lineage.SealLogAsync(CancellationToken.None).ToBlockingEnumerable())
        {
            // Another workspace's log (an attestation that came in a bundle) starts with another run: nothing to compare.
            if (seal.Seq == 1 && lineage.GetManyAsync([seal.NodeId], CancellationToken.None).GetAwaiter().GetResult().FirstOrDefault()?.RunId != firstRun) return null;
            if (seal.Seq != entries) continue;
            return seal.Head == head ? null
                : $"lineage log entry {entries} no longer has the attested head {head.Short}: the lineage was rewritten since it was attested";
        }
        return $"the lineage log no longer reaches entry {entries}, which the attestation was signed over: entries were deleted since";
    }
}
