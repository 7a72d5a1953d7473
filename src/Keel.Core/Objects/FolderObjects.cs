namespace Keel.Objects;

/// <summary>
/// The objects <c>keel recover --materialize</c> copied into <c>DIR/objects/&lt;hex&gt;</c>, read
/// back by replay.sh in a checkout without a workspace: read-only, each object checked against
/// its digest before it is handed out.
/// </summary>
internal sealed class FolderObjects(string folder) : IObjectStore
{
    private string PathOf(Digest digest) => Path.Combine(folder, digest.Hex);

    public bool Contains(Digest digest) => File.Exists(PathOf(digest));

    public Stream OpenRead(Digest digest)
    {
        Check(digest);
        return File.OpenRead(PathOf(digest));
    }

    public void CopyTo(Digest digest, string destination)
    {
        Check(digest);
        File.Copy(PathOf(digest), destination, overwrite: true);
    }

    public long? SizeOf(Digest digest) => Contains(digest) ? new FileInfo(PathOf(digest)).Length : null;

    public IEnumerable<Digest> List() =>
        Directory.Exists(folder) ? Directory.EnumerateFiles(folder).Select(f => Digest.TryParse("blake3:" + Path.GetFileName(f), out var d) ? d : (Digest?)null).OfType<Digest>() : [];

    public DateTimeOffset? StoredAt(Digest digest) => Contains(digest) ? File.GetLastWriteTimeUtc(PathOf(digest)) : null;

    public bool Put(Digest digest, ReadOnlySpan<byte> bytes) => throw ReadOnly();

    public bool PutFile(Digest digest, string sourcePath) => throw ReadOnly();

    public bool Delete(Digest digest) => throw ReadOnly();

    private void Check(Digest digest)
    {
        if (!Contains(digest)) throw new ObjectMissingException(digest);
        var actual = ContentHasher.HashFile(PathOf(digest));
        if (actual != digest) throw new ObjectCorruptException(digest, actual);
    }

    private InvalidOperationException ReadOnly() => new($"{folder} is a recovered copy and read-only");
}
