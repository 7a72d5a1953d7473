using Keel.Metadata;

namespace Keel.Objects;

/// <summary>Every object the metadata keeps alive, each with what refers to it (a manifest brings its files).</summary>
internal static class Reachability
{
    /// <param name="unreadableManifests">Manifests that are missing or damaged: what they list is unknown.</param>
    public static async Task<Dictionary<Digest, List<string>>> ComputeAsync(
        IMetadataStore metadata, IObjectStore store, List<Digest> unreadableManifests, CancellationToken cancellationToken)
    {
        var refs = await metadata.References.ListAsync(cancellationToken).ConfigureAwait(false);
        var owners = new Dictionary<Digest, List<string>>();
        var manifestsSeen = new HashSet<Digest>();
        foreach (var r in refs)
        {
            Add(owners, r.Digest, r.Owner);
            if (manifestsSeen.Contains(r.Digest)) continue;
            // A flag may be missing (older records, other writers): the object's header decides.
            if (!r.IsManifest && !StartsAsManifest(store, r.Digest)) continue;
            manifestsSeen.Add(r.Digest);
            Manifest manifest;
            try
            {
                manifest = ManifestReader.Read(store, r.Digest);
            }
            catch (KeelException)
            {
                unreadableManifests.Add(r.Digest);
                continue;
            }
            foreach (var e in manifest.Entries) Add(owners, e.Digest, $"{r.Owner}:{e.Path}");
        }
        return owners;
    }

    private static bool StartsAsManifest(IObjectStore store, Digest digest)
    {
        if (!store.Contains(digest)) return false;
        try
        {
            using var stream = store.OpenRead(digest);
            Span<byte> head = stackalloc byte[16];
            var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            return Manifest.LooksLikeManifest(head[..read]);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void Add(Dictionary<Digest, List<string>> owners, Digest digest, string owner)
    {
        if (!owners.TryGetValue(digest, out var list)) owners[digest] = list = [];
        if (list.Count < 20) list.Add(owner);
    }
}
