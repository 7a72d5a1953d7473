namespace Keel.Objects;

/// <summary>
/// How <c>keel add</c> puts a workspace file into the local object store (<c>link:</c> in
/// <c>.keel/config.yaml</c>, or <c>keel add --link</c>), like DVC's <c>cache.type</c>.
/// </summary>
public enum LinkMode
{
    /// <summary>
    /// An independent copy, the workspace file staying the user's to edit: a copy-on-write clone
    /// (FICLONE) where the file system has them (btrfs, XFS), else a full write of the bytes.
    /// DVC's default <c>reflink,copy</c>; <c>reflink</c> in the config means this too.
    /// </summary>
    Copy,

    /// <summary>
    /// The workspace file itself becomes the object (a hard link, made read-only): no copy at
    /// all, but editing the file in place after <c>chmod u+w</c> would change a stored object.
    /// </summary>
    Hardlink,
}
