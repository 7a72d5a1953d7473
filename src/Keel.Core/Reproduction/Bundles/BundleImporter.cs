using System.Security.Cryptography;
using System.Text.Json;
using Keel.Lineage;
using Keel.Objects;
using Keel.Reproduction.Attestations;
using Keel.Workspaces;

namespace Keel.Reproduction.Bundles;

/// <summary>What <c>keel bundle import</c> accepted.</summary>
public sealed record BundleImportSummary(string Subject, string? SubjectDigest, int Objects, int Nodes, int Commits, int Attestations, string? SignedBy, bool SignerTrusted, bool AlreadyPresent, IReadOnlyList<string> Notes)
{
    /// <summary>Everyone who signed the bundle or an attestation in it, with the public key file the bundle carried.</summary>
    public IReadOnlyList<BundleSigner> Signers { get; init; } = [];
}

/// <summary>A signer of a bundle: key id, fingerprint for comparing by eye, whether you trust it, and where its public key now is.</summary>
/// <param name="PublicKey">The carried public key, kept under .keel/signers/ (null when the bundle did not carry it).</param>
/// <param name="TrustCommand">What to run to trust it, once its owner confirmed the fingerprint (null when trusted already).</param>
public sealed record BundleSigner(string KeyId, string Fingerprint, bool Trusted, string? PublicKey, string? TrustCommand);

/// <summary>
/// Imports a bundle: stages it (<see cref="BundleReader"/>), then validates everything before
/// writing anything: the manifest's signature against the public key the bundle names, every
/// entry's size and BLAKE3 digest against the manifest, every object against its name, every
/// attestation's signature, and the lineage roots recomputed from the carried graph. Only then
/// are objects moved from the staging folder into the store, the lineage appended (one
/// transaction), code bundles and attestations kept.
/// </summary>
public sealed class BundleImporter(Workspace workspace, KeyStore keys, BundleLimits? limits = null)
{
    public async Task<BundleImportSummary> ImportAsync(string file, CancellationToken cancellationToken)
    {
        if (!File.Exists(file)) throw new KeelException($"{file} does not exist");
        // Staged inside the workspace, on the object store's file system when it is a local
        // folder, so accepting an object is a rename, not a second copy.
        var local = workspace.Objects as LocalObjectStore;
        var staging = local?.NewStagingFolder("import") ?? Directory.CreateDirectory(Path.Combine(workspace.KeelDir, "tmp", $"import-{Environment.ProcessId}-{Guid.NewGuid():N}")).FullName;
        try
        {
            var staged = BundleReader.Stage(file, staging, limits ?? BundleLimits.Default);
            Diagnostics.Trace($"import: {staged.Count} entries staged and hashed");
            var notes = new List<string>();
            if (!staged.TryGetValue("manifest.json", out var m)) throw BundleReader.Refuse("it has no manifest.json");
            var manifestBytes = await File.ReadAllBytesAsync(m.File, cancellationToken).ConfigureAwait(false);
            BundleManifest manifest;
            try
            {
                manifest = JsonSerializer.Deserialize<BundleManifest>(manifestBytes, BundleJson.Options) ?? throw BundleReader.Refuse("manifest.json is empty");
            }
            catch (JsonException e)
            {
                throw BundleReader.Refuse($"manifest.json does not parse ({e.Message})");
            }
            if (manifest.Format != BundleManifest.CurrentFormat) throw BundleReader.Refuse($"format '{manifest.Format}' is not {BundleManifest.CurrentFormat}");

            Diagnostics.Trace("import: manifest parsed");
            var (signedBy, trusted) = CheckSignature(staged, manifestBytes);
            Diagnostics.Trace("import: manifest signature checked");
            if (signedBy is null) notes.Add("the bundle is not signed; every entry was still checked against its digest");
            else if (!trusted) notes.Add($"signed by {signedBy}, which you do not trust yet; the signature is valid for the key the bundle carries (trust it only once its owner confirmed the fingerprint below)");

            var listed = manifest.Entries.ToDictionary(e => e.Path, StringComparer.Ordinal);
            foreach (var (name, (_, size, digest)) in staged)
            {
                if (name is "manifest.json" or "manifest.dsse.json") continue;
                if (!listed.TryGetValue(name, out var entry)) throw BundleReader.Refuse($"entry '{name}' is not listed in the manifest");
                if (entry.Size != size || entry.Blake3 != digest.Hex) throw BundleReader.Refuse($"entry '{name}' does not match its digest in the manifest (its bytes were altered)");
                if (name.StartsWith("objects/", StringComparison.Ordinal) && name[8..] != digest.Hex)
                    throw BundleReader.Refuse($"entry '{name}' hashes to {digest}, not to its name");
            }
            foreach (var e in manifest.Entries)
                if (!staged.ContainsKey(e.Path)) throw BundleReader.Refuse($"entry '{e.Path}' is listed in the manifest but missing (the file is truncated)");

            if (!staged.TryGetValue("metadata/lineage.json", out var l)) throw BundleReader.Refuse("it has no metadata/lineage.json");
            var lineage = JsonSerializer.Deserialize<BundleLineage>(await File.ReadAllBytesAsync(l.File, cancellationToken).ConfigureAwait(false), BundleJson.Options)
                ?? throw BundleReader.Refuse("metadata/lineage.json is empty");
            var graph = new LineageGraph(lineage.Nodes.OrderBy(n => n.Id).ToList(), lineage.Edges);
            Diagnostics.Trace("import: entries checked against the manifest, lineage parsed");
            foreach (var (id, root) in LineageRoots.Compute(graph))
            {
                var key = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (!manifest.LineageRoots.TryGetValue(key, out var expected) || expected != root.ToString())
                    throw BundleReader.Refuse($"the lineage root of run node {id} does not match the manifest (its records were altered)");
            }
            var attestations = staged.Where(kv => kv.Key.StartsWith("attestations/", StringComparison.Ordinal)).ToList();
            var attestationSigners = new List<string>();
            foreach (var (name, (path, _, _)) in attestations)
                attestationSigners.AddRange(CheckAttestation(staged, name, await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)));

            Diagnostics.Trace("import: validated");
            // Everything is valid: commit.
            var objects = 0;
            foreach (var (name, (path, _, digest)) in staged.Where(kv => kv.Key.StartsWith("objects/", StringComparison.Ordinal)))
                if (local is not null ? local.Publish(path, local.PathOf(digest)) : workspace.Objects.PutFile(digest, path)) objects++;
            Diagnostics.Trace("import: objects moved into the store");
            var present = await AlreadyImportedAsync(graph, cancellationToken).ConfigureAwait(false);
            var nodes = 0;
            if (!present)
            {
                // Marked before they land: a kill between the two leaves a mark for runs that never arrived, never an unmarked run.
                ImportedRuns.Record(workspace.KeelDir, file, signedBy, trusted, graph.Nodes.Where(n => n.Type == NodeType.Run && n.RunId is not null).Select(n => n.RunId!));
                var ids = await AppendAsync(graph, cancellationToken).ConfigureAwait(false);
                nodes = ids.Count;
            }
            Diagnostics.Trace("import: lineage appended");
            var commits = 0;
            foreach (var (name, (path, _, _)) in staged.Where(kv => kv.Key.StartsWith("code/", StringComparison.Ordinal)))
            {
                var target = Path.Combine(workspace.KeelDir, CodeCheckout.BundleFolder, Path.GetFileName(name));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Move(path, target, overwrite: true);
                commits++;
            }
            if (manifest.SubjectDigest is { } sd && Digest.TryParse(sd, out var subjectDigest))
            {
                foreach (var (name, (path, _, _)) in attestations)
                {
                    var dir = Path.Combine(workspace.KeelDir, Verifier.AttestationsFolder, subjectDigest.Hex);
                    Directory.CreateDirectory(dir);
                    File.Move(path, Path.Combine(dir, Path.GetFileName(name)), overwrite: true);
                }
            }
            var signers = KeepSignerKeys(staged, signedBy, attestationSigners);
            return new BundleImportSummary(manifest.Subject, manifest.SubjectDigest, objects, nodes, commits, attestations.Count, signedBy, trusted, present, notes) { Signers = signers };
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    private (string? SignedBy, bool Trusted) CheckSignature(Dictionary<string, (string File, long Size, Digest Digest)> staged, byte[] manifestBytes)
    {
        if (!staged.TryGetValue("manifest.dsse.json", out var s)) return (null, false);
        var envelope = Dsse.Parse(File.ReadAllText(s.File));
        if (envelope.PayloadType != BundleManifest.PayloadType || !envelope.Payload.AsSpan().SequenceEqual(manifestBytes))
            throw BundleReader.Refuse("the signed manifest is not the manifest.json the bundle carries");
        foreach (var sig in envelope.Signatures)
        {
            using var key = KeyFor(staged, sig.KeyId) ?? throw BundleReader.Refuse($"the manifest is signed by {sig.KeyId}, whose public key the bundle does not carry and you do not trust");
            if (!Dsse.Verify(envelope, sig, key)) throw BundleReader.Refuse($"bad signature: the manifest signature by {sig.KeyId} does not verify");
            using var trustedKey = keys.TrustedKey(sig.KeyId);
            return (sig.KeyId, trustedKey is not null);
        }
        return (null, false);
    }

    private List<string> CheckAttestation(Dictionary<string, (string File, long Size, Digest Digest)> staged, string name, string json)
    {
        DsseEnvelope envelope;
        try
        {
            envelope = Dsse.Parse(json);
        }
        catch (KeelException e)
        {
            throw BundleReader.Refuse($"{name}: {e.Message}");
        }
        foreach (var sig in envelope.Signatures)
        {
            using var key = KeyFor(staged, sig.KeyId) ?? throw BundleReader.Refuse($"{name} is signed by {sig.KeyId}, whose public key the bundle does not carry");
            if (!Dsse.Verify(envelope, sig, key)) throw BundleReader.Refuse($"bad signature: {name} does not verify against {sig.KeyId}");
        }
        return [.. envelope.Signatures.Select(s => s.KeyId)];
    }

    /// <summary>
    /// Keeps each signer's carried public key under .keel/signers/, so the colleague can find it
    /// and trust it explicitly; nothing is trusted here. Keys were checked against their ids above.
    /// </summary>
    private List<BundleSigner> KeepSignerKeys(Dictionary<string, (string File, long Size, Digest Digest)> staged, string? manifestSigner, List<string> attestationSigners)
    {
        var result = new List<BundleSigner>();
        IEnumerable<string> ids = manifestSigner is null ? attestationSigners : [manifestSigner, .. attestationSigners];
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            using var trustedKey = keys.TrustedKey(id);
            string? kept = null;
            if (id.Length == 71 && staged.TryGetValue($"keys/{id[7..]}.pub", out var carried))
            {
                using var key = ECDsa.Create();
                key.ImportFromPem(File.ReadAllText(carried.File));
                var actual = KeyStore.KeyIdOf(key);
                if (actual == id) kept = SignerKeys.Save(workspace.KeelDir, actual, System.Text.Encoding.UTF8.GetBytes(key.ExportSubjectPublicKeyInfoPem()));
            }
            result.Add(new BundleSigner(id, SignerKeys.Fingerprint(id), trustedKey is not null, kept,
                trustedKey is null && kept is not null ? $"keel keys trust {kept}" : null));
        }
        return result;
    }

    private ECDsa? KeyFor(Dictionary<string, (string File, long Size, Digest Digest)> staged, string keyId)
    {
        var trusted = keys.TrustedKey(keyId);
        if (trusted is not null) return trusted;
        if (keyId.Length != 71 || !staged.TryGetValue($"keys/{keyId[7..]}.pub", out var k)) return null;
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(k.File));
        if (KeyStore.KeyIdOf(key) == keyId) return key;
        key.Dispose();
        throw BundleReader.Refuse($"the public key carried for {keyId} does not have that id");
    }

    private async Task<bool> AlreadyImportedAsync(LineageGraph graph, CancellationToken ct)
    {
        var run = graph.Nodes.LastOrDefault(n => n.Type == NodeType.Run && n.RunId is not null);
        if (run is null) return false;
        var found = await workspace.Metadata.LineageCatalog.FindByRunIdPrefixAsync(run.RunId!, ct).ConfigureAwait(false);
        return found.Any(n => n.Type == NodeType.Run && n.RunId == run.RunId);
    }

    private async Task<IReadOnlyList<long>> AppendAsync(LineageGraph graph, CancellationToken ct)
    {
        var position = new Dictionary<long, int>();
        var batch = new List<NewLineageNode>();
        var incoming = graph.Edges.ToLookup(e => e.To);
        foreach (var n in graph.Nodes)
        {
            var edges = incoming[n.Id].Where(e => position.ContainsKey(e.From))
                .Select(e => new LineageEdgeFrom(-(position[e.From] + 1), e.Relation, e.Role)).ToList();
            position[n.Id] = batch.Count;
            batch.Add(new NewLineageNode(n.Type, n.Kind, n.Label, n.Digest, n.RunId, n.CreatedAt, n.Attributes, edges));
        }
        // The store seals each imported run in the same transaction, so the log covers imports too.
        return await workspace.Metadata.Lineage.AppendBatchAsync(batch, ct).ConfigureAwait(false);
    }
}
