using Keel.Objects;

namespace Keel.Lineage;

/// <summary>Re-hashes stored objects (a manifest with every file it lists), remembering answers per digest.</summary>
internal sealed class ObjectCheck(IObjectStore store)
{
    private readonly Dictionary<Digest, string?> _seen = [];

    public int Checked => _seen.Count;

    public long Bytes { get; private set; }

    /// <summary>Null when the object and (for a manifest) its files are present and intact; otherwise what is wrong.</summary>
    public string? Problem(Digest digest)
    {
        if (_seen.TryGetValue(digest, out var known)) return known;
        var problem = Check(digest);
        _seen[digest] = problem;
        return problem;
    }

    private string? Check(Digest digest)
    {
        if (!store.Contains(digest)) return $"object {digest} is missing from the store";
        byte[] bytes;
        try
        {
            // The store's stream hashes what it reads and refuses damaged bytes at the end.
            using var s = store.OpenRead(digest);
            using var buffer = new MemoryStream();
            s.CopyTo(buffer);
            bytes = buffer.ToArray();
        }
        catch (ObjectCorruptException e)
        {
            Bytes += store.SizeOf(digest) ?? 0;
            return $"object {digest} is corrupt: its stored bytes hash to {e.Actual}";
        }
        Bytes += bytes.Length;
        if (!Manifest.LooksLikeManifest(bytes)) return null;
        foreach (var e in Manifest.Parse(bytes).Entries)
        {
            var p = Problem(e.Digest);
            if (p is not null) return $"{e.Path}: {p}";
        }
        return null;
    }
}
