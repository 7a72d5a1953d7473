namespace Keel.Objects;

/// <summary>One file of a directory: its relative path ('/'-separated), size, mode bits and digest.</summary>
public sealed record ManifestEntry(string Path, long Size, int Mode, Digest Digest);
