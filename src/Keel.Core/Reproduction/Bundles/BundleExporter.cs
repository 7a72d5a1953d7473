using System.Formats.Tar;
using System.Text;
using System.Text.Json;
using Keel.Lineage;
using Keel.Objects;
using Keel.Reproduction.Attestations;
using Keel.Workspaces;

namespace Keel.Reproduction.Bundles;

/// <summary>What <c>keel bundle export</c> wrote.</summary>
public sealed record BundleExportSummary(string File, int Entries, int Objects, long Bytes, int Commits, int Attestations, string? SignedBy, IReadOnlyList<string> Notes);

/// <summary>
/// Writes one portable tar: manifest.json (+ manifest.dsse.json and the signer's public key),
/// metadata/lineage.json (the upstream subgraph), objects/&lt;hex&gt; (every object it names, or only
/// code and environment objects with --no-data), code/&lt;commit&gt;.bundle (git bundles) and
/// attestations/*.dsse.json. Written to a temp file and renamed.
/// </summary>
public sealed class BundleExporter(Workspace workspace, LineageIndex index, KeyStore keys)
{
    public async Task<BundleExportSummary> ExportAsync(ResolvedNode subject, string file, bool withData, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var notes = new List<string>();
        var graph = await LineageClosure.UpstreamAsync(workspace.Metadata, index, subject.Index, long.MaxValue, cancellationToken).ConfigureAwait(false);
        var roots = LineageRoots.Compute(graph);
        var objects = new SortedSet<Digest>();
        foreach (var n in graph.Nodes)
        {
            if (LineageVerifier.IsExternal(n)) continue;
            if (n.Type == NodeType.Run)
            {
                var a = RunAttributes.Parse(n.Attributes);
                if (a.GitDiff is { } g) objects.Add(g);
                if (a.Env is { } e) objects.Add(e);
            }
            else if (withData && n.Type == NodeType.Artifact && n.Digest is { } d)
            {
                Expand(d, objects);
            }
        }
        foreach (var d in objects)
            if (!workspace.Objects.Contains(d)) throw new ObjectMissingException(d);

        var scratch = Directory.CreateTempSubdirectory("keel-bundle-").FullName;
        try
        {
            var entries = new List<(string Path, Func<Stream> Open, long Size, string Blake3)>();
            var lineageBytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new BundleLineage(graph.Nodes, graph.Edges), ReportJson.Options));
            entries.Add(("metadata/lineage.json", () => new MemoryStream(lineageBytes), lineageBytes.Length, ContentHasher.Hash(lineageBytes).Hex));
            foreach (var d in objects)
                entries.Add(($"objects/{d.Hex}", () => workspace.Objects.OpenRead(d), workspace.Objects.SizeOf(d) ?? 0, d.Hex));
            var commits = graph.Nodes.Where(n => n.Type == NodeType.Run).Select(n => RunAttributes.Parse(n.Attributes).GitCommit).OfType<string>().Distinct().ToList();
            foreach (var c in commits)
            {
                var path = Path.Combine(scratch, c + ".bundle");
                if (!CodeCheckout.TryWriteBundle(workspace.Root, c, path))
                {
                    var imported = CodeCheckout.BundlePath(workspace, c);
                    if (File.Exists(imported)) File.Copy(imported, path);
                    else
                    {
                        notes.Add($"commit {c} is not in the git repository; the bundle carries no code for it");
                        continue;
                    }
                }
                var p = path;
                entries.Add(($"code/{c}.bundle", () => File.OpenRead(p), new FileInfo(p).Length, ContentHasher.HashFile(p).Hex));
            }
            var attestations = 0;
            if (subject.Node.Digest is { } sd && Directory.Exists(Path.Combine(workspace.KeelDir, Verifier.AttestationsFolder, sd.Hex)))
            {
                foreach (var a in Directory.EnumerateFiles(Path.Combine(workspace.KeelDir, Verifier.AttestationsFolder, sd.Hex), "*.dsse.json").Order(StringComparer.Ordinal))
                {
                    var bytes = File.ReadAllBytes(a);
                    // An attestation travels only with a public key that can check it: one
                    // signed by a key this user does not trust would make the bundle unimportable.
                    var signers = Dsse.Parse(Encoding.UTF8.GetString(bytes)).Signatures.Select(sig => sig.KeyId).ToList();
                    if (!signers.Any(id => { using var k = keys.TrustedKey(id); return k is not null; }))
                    {
                        notes.Add($"attestation {Path.GetFileName(a)} left out: signed by {string.Join(", ", signers)}, a key you do not trust ('keel keys trust FILE' to include it)");
                        continue;
                    }
                    entries.Add(($"attestations/{sd.Hex[..16]}-{Path.GetFileName(a)}", () => new MemoryStream(bytes), bytes.Length, ContentHasher.Hash(bytes).Hex));
                    attestations++;
                }
            }
            var signing = keys.SigningKey();
            var keyFiles = new List<(string Path, byte[] Bytes)>();
            foreach (var keyFile in KeyFilesFor(entries.Where(e => e.Path.StartsWith("attestations/", StringComparison.Ordinal)).Select(e => { using var s = e.Open(); return new StreamReader(s).ReadToEnd(); }), signing?.KeyId))
                keyFiles.Add(keyFile);
            foreach (var (p, b) in keyFiles) entries.Add((p, () => new MemoryStream(b), b.Length, ContentHasher.Hash(b).Hex));

            var manifest = new BundleManifest(BundleManifest.CurrentFormat, subject.Node.Label, subject.Node.Digest?.ToString(), withData, workspace.Time.GetUtcNow(), commits,
                entries.Select(e => new BundleEntry(e.Path, e.Size, e.Blake3)).ToList(),
                roots.ToDictionary(kv => kv.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), kv => kv.Value.ToString()));
            var manifestBytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(manifest, ReportJson.Options));
            string? signedBy = null;
            byte[]? envelope = null;
            if (signing is { } s)
            {
                using var key = s.Key;
                envelope = Encoding.UTF8.GetBytes(Dsse.Serialize(Dsse.Sign(BundleManifest.PayloadType, manifestBytes, key, s.KeyId)));
                signedBy = s.KeyId;
            }
            else notes.Add("no signing key: the bundle is not signed ('keel keys generate' to sign); its entries are still checked by digest on import");

            var full = Path.GetFullPath(file);
            var temp = full + $".tmp-{Environment.ProcessId}";
            long bytesWritten;
            await using (var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                await using (var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
                {
                    await Add(tar, "manifest.json", new MemoryStream(manifestBytes), cancellationToken).ConfigureAwait(false);
                    if (envelope is not null) await Add(tar, "manifest.dsse.json", new MemoryStream(envelope), cancellationToken).ConfigureAwait(false);
                    foreach (var e in entries)
                    {
                        await using var stream = e.Open();
                        await Add(tar, e.Path, stream, cancellationToken).ConfigureAwait(false);
                    }
                }
                bytesWritten = output.Length;
            }
            File.Move(temp, full, overwrite: true);
            return new BundleExportSummary(full, entries.Count + 1, objects.Count, bytesWritten, commits.Count, attestations, signedBy, notes);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private IEnumerable<(string, byte[])> KeyFilesFor(IEnumerable<string> attestations, string? signer)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (signer is not null) ids.Add(signer);
        foreach (var a in attestations)
            foreach (var sig in Dsse.Parse(a).Signatures) ids.Add(sig.KeyId);
        foreach (var id in ids.Order(StringComparer.Ordinal))
        {
            using var key = keys.TrustedKey(id);
            if (key is null) continue;
            yield return ($"keys/{id[7..]}.pub", Encoding.UTF8.GetBytes(key.ExportSubjectPublicKeyInfoPem()));
        }
    }

    private static async Task Add(TarWriter tar, string name, Stream data, CancellationToken ct)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = data, Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead };
        await tar.WriteEntryAsync(entry, ct).ConfigureAwait(false);
    }

    private void Expand(Digest d, SortedSet<Digest> into)
    {
        if (!into.Add(d) || !workspace.Objects.Contains(d) || !TreeFiles.IsManifest(workspace.Objects, d)) return;
        foreach (var e in ManifestReader.Read(workspace.Objects, d).Entries) into.Add(e.Digest);
    }
}
