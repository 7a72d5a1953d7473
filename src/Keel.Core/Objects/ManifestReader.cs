namespace Keel.Objects;

/// <summary>Reads a manifest object from a store, with a clear error when it is missing or damaged.</summary>
internal static class ManifestReader
{
    public static Manifest Read(IObjectStore store, Digest digest)
    {
        using var stream = store.OpenRead(digest);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (!Manifest.LooksLikeManifest(bytes))
            throw new KeelException($"object {digest} should be a directory manifest but is not; run 'keel fsck'", ExitCodes.CheckFailed);
        return Manifest.Parse(bytes);
    }
}
