using System.Globalization;
using System.Text;
using Keel.Objects;

namespace Keel.Lineage;

/// <summary>
/// One entry of the lineage log: run node <paramref name="NodeId"/> was sealed with
/// <paramref name="Root"/>, counting its outputs up to node <paramref name="OutputsUpTo"/>.
/// <paramref name="Head"/> chains every entry before it, so deleting or editing any entry, or
/// any record a root covers, breaks the chain or a root. <paramref name="Late"/> marks runs
/// recorded before sealing existed, sealed after the fact at <paramref name="SealedAt"/>.
/// </summary>
public sealed record LineageSeal(long Seq, long NodeId, long OutputsUpTo, Digest Root, Digest Head, DateTimeOffset SealedAt, bool Late)
{
    private const string Header = "keel-lineage-log 1\n";

    /// <summary>The head after appending an entry to the log whose head was <paramref name="previous"/> (null for the first entry).</summary>
    public static Digest NextHead(Digest? previous, long seq, long nodeId, long outputsUpTo, Digest root, DateTimeOffset sealedAt, bool late)
    {
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{Header}prev {previous?.ToString() ?? "-"}\nseq {seq}\nnode {nodeId}\nupto {outputsUpTo}\nroot {root}\nsealed {sealedAt.ToUnixTimeMilliseconds()}\nlate {(late ? 1 : 0)}\n");
        return ContentHasher.Hash(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Whether <see cref="Head"/> is what <see cref="NextHead"/> gives after <paramref name="previous"/>.</summary>
    public bool Follows(Digest? previous) => NextHead(previous, Seq, NodeId, OutputsUpTo, Root, SealedAt, Late) == Head;
}

/// <summary>A lineage log entry as read back, with whether the run node it names is still in the graph.</summary>
public readonly record struct SealLogEntry(LineageSeal Seal, bool RunPresent);
