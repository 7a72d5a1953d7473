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
/// Writes one portable tar: objects/&lt;hex&gt; (every object the upstream subgraph names, or only
/// code and environment objects with --no-data), metadata/lineage.json (the subgraph),
/// attestations/*.dsse.json, keys/&lt;hex&gt;.pub, code/&lt;commit&gt;.bundle (git bundles), and last
/// manifest.dsse.json and manifest.json. Written to a temp file and renamed; each object is
/// streamed once from the store into the file (in the kernel for a local store), uncompressed and
/// checked against its digest on the way, while the rest is prepared.
/// </summary>
public sealed class BundleExporter(Workspace workspace, LineageIndex index, KeyStore keys)
{
    public async Task<BundleExportSummary> ExportAsync(ResolvedNode subject, string file, bool withData, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var notes = new List<string>();
        var graph = await LineageClosure.UpstreamAsync(workspace.Metadata, index, subject.Index, long.MaxValue, cancellationToken).ConfigureAwait(false);
        var roots = LineageRoots.Compute(graph);
        Diagnostics.Trace($"export: closure of {graph.Nodes.Count} nodes, lineage roots computed");
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
        Diagnostics.Trace($"export: {objects.Count} objects listed");

        var commits = graph.Nodes.Where(n => n.Type == NodeType.Run).Select(n => RunAttributes.Parse(n.Attributes).GitCommit).OfType<string>().Distinct().ToList();
        // An object's name is its digest: the entry's blake3 is that name; the bytes are checked against it as they stream.
        var objectEntries = objects.Select(d => new Entry($"objects/{d.Hex}", workspace.Objects.SizeOf(d) ?? throw new ObjectMissingException(d), d.Hex, null, d)).ToList();
        var scratch = Directory.CreateTempSubdirectory("keel-bundle-").FullName;
        var full = Path.GetFullPath(file);
        var temp = full + $".tmp-{Environment.ProcessId}";
        try
        {
            // git bundles take a few git processes each: make them while the objects are copied.
            var code = commits.Select(c => Task.Run(() => CodeBundle(c, scratch), cancellationToken)).ToList();
            long bytesWritten;
            Description described;
            var copying = Task.CompletedTask;
            try
            {
                // A new file, never a truncated one: .NET truncates an existing file with
                // ftruncate(0), and ext4 then writes the whole file back when it is closed
                // (auto_da_alloc), which held export up by 0.6 s per GiB here.
                File.Delete(temp);
                using (var output = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None, objectEntries.Sum(e => e.Size)))
                {
                    var tar = new TarArchiveWriter(output, workspace.Time.GetUtcNow());
                    // The objects are nearly all the bytes: they stream into the archive while the
                    // git bundles, the lineage and the signature are made. The manifest, which lists
                    // everything, closes the archive (an import stages every entry before reading it).
                    copying = Task.Run(() =>
                    {
                        foreach (var e in objectEntries)
                        {
                            cancellationToken.ThrowIfCancellationRequested();
                            Write(tar, e);
                        }
                    }, cancellationToken);
                    described = await DescribeAsync(subject, withData, commits, code, roots, graph, objectEntries, notes, cancellationToken).ConfigureAwait(false);
                    await copying.ConfigureAwait(false);
                    Diagnostics.Trace("export: objects copied");
                    foreach (var e in described.Entries)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        Write(tar, e);
                    }
                    if (described.Envelope is not null) tar.Add("manifest.dsse.json", described.Envelope);
                    tar.Add("manifest.json", described.Manifest);
                    tar.Finish();
                    bytesWritten = tar.Position;
                    RandomAccess.SetLength(output, bytesWritten);
                }
                File.Move(temp, full, overwrite: true);
            }
            catch
            {
                // Never delete the file under a copy still running into it.
                await copying.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
                File.Delete(temp);
                throw;
            }
            Diagnostics.Trace($"export: {bytesWritten} bytes written");
            return new BundleExportSummary(full, objectEntries.Count + described.Entries.Count + 1, objects.Count, bytesWritten, commits.Count, described.Attestations, described.SignedBy, notes);
        }
        catch (ObjectCorruptException e)
        {
            var owner = graph.Nodes.FirstOrDefault(n => n.Digest == e.Digest)?.Label ?? $"an object {subject.Node.Label} depends on";
            throw new KeelException(
                $"cannot export {subject.Node.Label}: {owner} ({e.Digest}) is damaged in the object store: its bytes hash to {e.Actual}; refused, no bundle was written. "
                + "Run 'keel fsck' to see what else it affects, and 'keel fsck --repair' to restore an intact copy from the workspace files or a remote", ExitCodes.CheckFailed, e);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>
    /// Every entry but the objects and the manifest (lineage, attestations, keys, code), then the
    /// manifest listing them all and its signature.
    /// </summary>
    private async Task<Description> DescribeAsync(
        ResolvedNode subject, bool withData, List<string> commits, List<Task<string?>> code, IReadOnlyDictionary<long, Digest> roots, LineageGraph graph,
        List<Entry> objectEntries, List<string> notes, CancellationToken cancellationToken)
    {
        var entries = new List<Entry>();
        var lineageBytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new BundleLineage(graph.Nodes, graph.Edges), BundleJson.Options));
        entries.Add(Entry.Bytes("metadata/lineage.json", lineageBytes));
        Diagnostics.Trace("export: lineage serialised");
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
                entries.Add(Entry.Bytes($"attestations/{sd.Hex[..16]}-{Path.GetFileName(a)}", bytes));
                attestations++;
            }
        }
        var signing = keys.SigningKey();
        var attestationTexts = entries.Where(e => e.Path.StartsWith("attestations/", StringComparison.Ordinal)).Select(e => Encoding.UTF8.GetString(e.Data!)).ToList();
        foreach (var (p, b) in KeyFilesFor(attestationTexts, signing?.KeyId)) entries.Add(Entry.Bytes(p, b));
        foreach (var (commit, task) in commits.Zip(code))
        {
            var gitBundle = await task.ConfigureAwait(false);
            if (gitBundle is null) notes.Add($"commit {commit} is not in the git repository; the bundle carries no code for it");
            else entries.Add(new Entry($"code/{commit}.bundle", new FileInfo(gitBundle).Length, ContentHasher.HashFile(gitBundle).Hex, null, null, gitBundle));
        }

        var manifest = new BundleManifest(BundleManifest.CurrentFormat, subject.Node.Label, subject.Node.Digest?.ToString(), withData, workspace.Time.GetUtcNow(), commits,
            objectEntries.Concat(entries).Select(e => new BundleEntry(e.Path, e.Size, e.Blake3)).ToList(),
            roots.ToDictionary(kv => kv.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), kv => kv.Value.ToString()));
        var manifestBytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(manifest, BundleJson.Options));
        string? signedBy = null;
        byte[]? envelope = null;
        if (signing is { } s)
        {
            using var key = s.Key;
            envelope = Encoding.UTF8.GetBytes(Dsse.Serialize(Dsse.Sign(BundleManifest.PayloadType, manifestBytes, key, s.KeyId)));
            signedBy = s.KeyId;
        }
        else notes.Add("no signing key: the bundle is not signed ('keel keys generate' to sign); its entries are still checked by digest on import");
        Diagnostics.Trace($"export: {entries.Count + objectEntries.Count} entries listed, manifest signed");
        return new Description(entries, manifestBytes, envelope, attestations, signedBy);
    }

    /// <summary>What closes the archive after the objects: the other entries, the manifest and its signature.</summary>
    private sealed record Description(List<Entry> Entries, byte[] Manifest, byte[]? Envelope, int Attestations, string? SignedBy);

    /// <summary>One entry besides the manifest: bytes in memory, a stored object, or a file.</summary>
    private sealed record Entry(string Path, long Size, string Blake3, byte[]? Data, Digest? Object = null, string? File = null)
    {
        public static Entry Bytes(string path, byte[] data) => new(path, data.Length, ContentHasher.Hash(data).Hex, data);
    }

    private void Write(TarArchiveWriter tar, Entry e)
    {
        if (e.Data is not null)
        {
            tar.Add(e.Path, e.Data);
        }
        else if (e.Object is { } d && workspace.Objects is LocalObjectStore local)
        {
            // The kernel copies the object without this process seeing its bytes, so it is
            // checked against its digest beside the copy (hashed from the page cache the copy
            // fills, on the other cores): a damaged object fails the export, whose temp file goes.
            var checking = Task.Run(() => local.Verify(d));
            try
            {
                using var source = File.OpenHandle(local.PathOf(d), FileMode.Open, FileAccess.Read, FileShare.Read);
                tar.Add(e.Path, source, e.Size);
            }
            finally
            {
                checking.GetAwaiter().GetResult();
            }
        }
        else if (e.Object is { } o)
        {
            using var source = workspace.Objects.OpenRead(o);
            tar.Add(e.Path, source, e.Size);
        }
        else
        {
            using var source = File.OpenHandle(e.File!, FileMode.Open, FileAccess.Read, FileShare.Read);
            tar.Add(e.Path, source, e.Size);
        }
    }

    /// <summary>A git bundle of <paramref name="commit"/> in <paramref name="scratch"/>: from the repository, else the copy an import brought; null when neither has it.</summary>
    private string? CodeBundle(string commit, string scratch)
    {
        var path = Path.Combine(scratch, commit + ".bundle");
        if (CodeCheckout.TryWriteBundle(workspace.Root, commit, path)) return path;
        var imported = CodeCheckout.BundlePath(workspace, commit);
        return File.Exists(imported) ? imported : null;
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

    private void Expand(Digest d, SortedSet<Digest> into)
    {
        if (!into.Add(d) || !workspace.Objects.Contains(d) || !TreeFiles.IsManifest(workspace.Objects, d)) return;
        foreach (var e in ManifestReader.Read(workspace.Objects, d).Entries) into.Add(e.Digest);
    }
}
