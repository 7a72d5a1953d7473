using System.Runtime.InteropServices;

namespace Keel.Lineage;

/// <summary>
/// The index saved to disk (<c>.keel/cache/lineage.idx</c>) and topped up from the store on
/// open: loading the arrays costs a fraction of streaming every row out of SQL again. The
/// store stays the system of record; a snapshot that does not match it is ignored.
/// </summary>
public sealed partial class LineageIndex
{
    private const string SnapshotMagic = "keel-lineage-index-1";

    /// <summary>Loads the snapshot when it matches the store, extends it with newer nodes, and saves it back if anything was added.</summary>
    public static async Task<LineageIndex> LoadOrBuildAsync(ILineageStore store, string snapshotFile, CancellationToken cancellationToken)
    {
        var index = TryLoad(snapshotFile);
        if (index is not null && index._count > 0)
        {
            // Same store? The node at the snapshot's last id must exist with the same label.
            var last = await store.GetAsync(index.MaxId, cancellationToken).ConfigureAwait(false);
            if (last is null || last.Label != index.LabelOf(index._count - 1)) index = null;
        }
        index ??= new LineageIndex();
        var added = await index.ExtendAsync(store, cancellationToken).ConfigureAwait(false);
        if (added > 0)
        {
            try
            {
                index.Save(snapshotFile);
            }
            catch (IOException)
            {
                // A cache that cannot be written only costs the next command a rebuild.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return index;
    }

    public void Save(string file)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var temp = file + "." + Environment.ProcessId + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        using (var w = new BinaryWriter(stream))
        {
            w.Write(SnapshotMagic);
            w.Write(_count);
            w.Write(_edgeCount);
            WriteArray(w, _ids.AsSpan(0, _count));
            WriteArray(w, _types.AsSpan(0, _count));
            WriteArray(w, _kinds.AsSpan(0, _count));
            WriteArray(w, _names.AsSpan(0, _count));
            WriteArray(w, _versions.AsSpan(0, _count));
            WriteArray(w, _created.AsSpan(0, _count));
            WriteArray(w, _inStart.AsSpan(0, _count + 1));
            WriteArray(w, _inSrc.AsSpan(0, _edgeCount));
            WriteArray(w, _inRel.AsSpan(0, _edgeCount));
            WriteArray(w, _inRole.AsSpan(0, _edgeCount));
            WriteStrings(w, _kindTable);
            WriteStrings(w, _nameTable);
            WriteStrings(w, _roleTable.Skip(1).Select(r => r ?? "").ToList());
        }
        File.Move(temp, file, overwrite: true);
    }

    private static LineageIndex? TryLoad(string file)
    {
        try
        {
            if (!File.Exists(file)) return null;
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            using var r = new BinaryReader(stream);
            if (r.ReadString() != SnapshotMagic) return null;
            var index = new LineageIndex();
            var count = r.ReadInt32();
            var edges = r.ReadInt32();
            if (count < 0 || edges < 0) return null;
            index._ids = ReadArray<long>(r, count);
            index._types = ReadArray<byte>(r, count);
            index._kinds = ReadArray<byte>(r, count);
            index._names = ReadArray<int>(r, count);
            index._versions = ReadArray<int>(r, count);
            index._created = ReadArray<long>(r, count);
            index._inStart = ReadArray<int>(r, count + 1);
            index._inSrc = ReadArray<int>(r, edges);
            index._inRel = ReadArray<byte>(r, edges);
            index._inRole = ReadArray<ushort>(r, edges);
            index._count = count;
            index._edgeCount = edges;
            foreach (var k in ReadStrings(r))
            {
                index._kindIds[k] = (byte)index._kindTable.Count;
                index._kindTable.Add(k);
            }
            foreach (var n in ReadStrings(r))
            {
                index._nameIds[n] = index._nameTable.Count;
                index._nameTable.Add(n);
            }
            foreach (var role in ReadStrings(r))
            {
                index._roleIds[role] = (ushort)index._roleTable.Count;
                index._roleTable.Add(role);
            }
            index.RebuildOutgoing();
            return index;
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or InvalidDataException or ArgumentException or OverflowException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static void WriteArray<T>(BinaryWriter w, ReadOnlySpan<T> values)
        where T : unmanaged
    {
        w.Write(values.Length);
        w.Write(MemoryMarshal.AsBytes(values));
    }

    private static T[] ReadArray<T>(BinaryReader r, int expected)
        where T : unmanaged
    {
        var length = r.ReadInt32();
        if (length != expected) throw new InvalidDataException("lineage index snapshot is damaged");
        var array = new T[Math.Max(length, 1)];
        var bytes = MemoryMarshal.AsBytes(array.AsSpan(0, length));
        if (r.BaseStream.Read(bytes) != bytes.Length) throw new EndOfStreamException();
        return array;
    }

    private static void WriteStrings(BinaryWriter w, IReadOnlyList<string> values)
    {
        w.Write(values.Count);
        foreach (var s in values) w.Write(s);
    }

    private static List<string> ReadStrings(BinaryReader r)
    {
        var n = r.ReadInt32();
        if (n < 0) throw new InvalidDataException("lineage index snapshot is damaged");
        var list = new List<string>(n);
        for (var i = 0; i < n; i++) list.Add(r.ReadString());
        return list;
    }
}
