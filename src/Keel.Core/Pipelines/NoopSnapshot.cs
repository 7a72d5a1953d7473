using System.Buffers.Binary;
using System.Text;
using Keel.Objects;

namespace Keel.Pipelines;

/// <summary>
/// What a successful <c>keel run</c> left behind, in <c>.keel/cache/noop.bin</c>, so that the
/// next run can tell "nothing to do" from one pass of stats, the way git's index does: the exact
/// bytes of keel.yaml, keel.lock, the params files and the workspace config, the stat of every
/// file and folder the stages read or write, and the stages with their recipe digests. It is
/// written only after <see cref="NoopSnapshotWriter"/> has checked that this state makes every
/// stage skip; any difference at all sends the run down the full path, which is always right.
/// </summary>
internal sealed class NoopSnapshot
{
    public const string FileName = "noop.bin";
    private const int Version = 1;
    private static ReadOnlySpan<byte> Magic => "KEELNOOP"u8;

    public required IReadOnlyList<SourceFile> Files { get; init; }

    /// <summary>Workspace-relative paths and their stats, in groups checked in parallel.</summary>
    public required IReadOnlyList<StatRecord[]> StatGroups { get; init; }

    /// <summary>The stages in run order, with their recipe digests.</summary>
    public required IReadOnlyList<LockedRecipe> Stages { get; init; }

    public static string PathIn(string keelDir) => Path.Combine(keelDir, "cache", FileName);

    public static void Delete(string keelDir)
    {
        var file = PathIn(keelDir);
        if (File.Exists(file)) File.Delete(file);
    }

    /// <summary>
    /// Built with the Keel.Core that wrote it, on the same OS, architecture and .NET: a new build
    /// may compute recipes differently, so it must not trust an old snapshot.
    /// </summary>
    private static byte[] Identity() =>
        [.. typeof(NoopSnapshot).Module.ModuleVersionId.ToByteArray(), .. Encoding.UTF8.GetBytes(Recipe.CurrentEnvironmentLock)];

    public void Save(string keelDir)
    {
        var buffer = new MemoryStream();
        buffer.Write(Magic);
        WriteInt(buffer, Version);
        WriteBytes(buffer, Identity());
        WriteInt(buffer, Files.Count);
        foreach (var f in Files)
        {
            WriteString(buffer, f.Path);
            if (f.Content is null) WriteInt(buffer, -1);
            else WriteBytes(buffer, f.Content);
        }
        WriteInt(buffer, StatGroups.Count);
        Span<byte> stat = stackalloc byte[PathStat.EncodedLength];
        foreach (var group in StatGroups)
        {
            var part = new MemoryStream();
            foreach (var (path, st) in group)
            {
                WriteString(part, path);
                BinaryPrimitives.WriteInt64LittleEndian(stat, st.Size);
                BinaryPrimitives.WriteInt64LittleEndian(stat[8..], st.MtimeNs);
                BinaryPrimitives.WriteInt64LittleEndian(stat[16..], st.CtimeNs);
                BinaryPrimitives.WriteUInt64LittleEndian(stat[24..], st.Inode);
                BinaryPrimitives.WriteUInt64LittleEndian(stat[32..], st.Device);
                BinaryPrimitives.WriteUInt64LittleEndian(stat[40..], st.Mode);
                part.Write(stat);
            }
            WriteInt(buffer, group.Length);
            WriteBytes(buffer, part.ToArray());
        }
        WriteInt(buffer, Stages.Count);
        foreach (var stage in Stages)
        {
            WriteString(buffer, stage.Stage);
            WriteString(buffer, stage.Recipe.ToString());
        }
        var file = PathIn(keelDir);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var temp = file + "." + Environment.ProcessId + ".tmp";
        File.WriteAllBytes(temp, buffer.ToArray());
        File.Move(temp, file, overwrite: true);
    }

    /// <summary>
    /// The stages in run order when the workspace is exactly as the snapshot describes (so every
    /// stage would be skipped); null when anything differs, the snapshot is missing or damaged,
    /// or this platform has no statx.
    /// </summary>
    public static IReadOnlyList<string>? UpToDateStages(string root)
    {
        try
        {
            return Check(root);
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            // ArgumentOutOfRangeException: a truncated or damaged snapshot read past its end.
            Diagnostics.Trace($"noop: unusable snapshot ({e.Message})");
            return null;
        }
    }

    private static List<string>? Check(string root)
    {
        if (!PathStat.IsAvailable) return null;
        // Sandboxes left by a killed run: the full path finishes or removes them first.
        var sandboxes = StageSandbox.StagesDir(Path.Combine(root, ".keel"));
        if (Directory.Exists(sandboxes) && Directory.EnumerateFileSystemEntries(sandboxes).Any()) return null;
        byte[] data;
        try
        {
            data = File.ReadAllBytes(PathIn(Path.Combine(root, ".keel")));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        Diagnostics.Trace("noop: snapshot read");
        var r = new Reader(data);
        if (!r.Bytes(Magic.Length).SequenceEqual(Magic) || r.Int() != Version) return null;
        if (!r.Bytes(r.Int()).SequenceEqual(Identity())) return null;
        for (int i = 0, n = r.Int(); i < n; i++)
        {
            var path = r.String();
            var length = r.Int();
            var expected = length < 0 ? null : r.Bytes(length).ToArray();
            if (!new SourceFile(path, expected).IsCurrent(root)) return null;
        }
        Diagnostics.Trace("noop: keel.yaml, keel.lock, params and config unchanged");
        // Plain arrays and loops on this path: generic code over value types would be compiled
        // at run time, which costs more than the work itself.
        var groups = new byte[r.Int()][];
        var paths = 0;
        for (var i = 0; i < groups.Length; i++)
        {
            paths += r.Int();
            groups[i] = r.Bytes(r.Int()).ToArray();
        }
        var rootBytes = Encoding.UTF8.GetBytes(root.TrimEnd('/') + "/");
        if (!StatsMatch(rootBytes, groups)) return null;
        Diagnostics.Trace($"noop: {paths} paths unchanged");
        var stages = new List<string>();
        for (int i = 0, n = r.Int(); i < n; i++)
        {
            stages.Add(r.String());
            r.String();
        }
        return stages;
    }

    /// <summary>Checks the groups on threads of their own (the writer makes one per core), the first on this one.</summary>
    private static bool StatsMatch(byte[] rootBytes, byte[][] groups)
    {
        if (groups.Length == 0) return true;
        var results = new bool[groups.Length];
        var threads = new Thread[groups.Length - 1];
        for (var i = 1; i < groups.Length; i++)
        {
            var index = i;
            threads[i - 1] = new Thread(() => results[index] = GroupMatches(rootBytes, groups[index]), 256 * 1024);
            threads[i - 1].Start();
        }
        results[0] = GroupMatches(rootBytes, groups[0]);
        foreach (var t in threads) t.Join();
        foreach (var ok in results)
        {
            if (!ok) return false;
        }
        return true;
    }

    private static bool GroupMatches(byte[] rootBytes, byte[] records)
    {
        var path = new byte[4096];
        rootBytes.CopyTo(path, 0);
        var pos = 0;
        var span = records.AsSpan();
        while (pos < span.Length)
        {
            var length = BinaryPrimitives.ReadUInt16LittleEndian(span[pos..]);
            pos += 2;
            if (rootBytes.Length + length + 1 > path.Length) return false;
            span.Slice(pos, length).CopyTo(path.AsSpan(rootBytes.Length));
            path[rootBytes.Length + length] = 0;
            pos += length;
            var expected = span.Slice(pos, PathStat.EncodedLength);
            pos += PathStat.EncodedLength;
            if (PathStat.Of(path) is not { } st
                || st.Size != BinaryPrimitives.ReadInt64LittleEndian(expected)
                || st.MtimeNs != BinaryPrimitives.ReadInt64LittleEndian(expected[8..])
                || st.CtimeNs != BinaryPrimitives.ReadInt64LittleEndian(expected[16..])
                || st.Inode != BinaryPrimitives.ReadUInt64LittleEndian(expected[24..])
                || st.Device != BinaryPrimitives.ReadUInt64LittleEndian(expected[32..])
                || st.Mode != BinaryPrimitives.ReadUInt64LittleEndian(expected[40..]))
            {
                Diagnostics.Trace($"noop: changed {Encoding.UTF8.GetString(path, rootBytes.Length, length)}");
                return false;
            }
        }
        return true;
    }

    private static void WriteInt(Stream s, int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, value);
        s.Write(b);
    }

    private static void WriteBytes(Stream s, byte[] bytes)
    {
        WriteInt(s, bytes.Length);
        s.Write(bytes);
    }

    private static void WriteString(Stream s, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length > ushort.MaxValue) throw new InvalidDataException($"path too long for the no-op snapshot: {value}");
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)bytes.Length);
        s.Write(b);
        s.Write(bytes);
    }

    /// <summary>Reads the fields back; a damaged file throws, which callers treat as "no snapshot".</summary>
    private ref struct Reader(byte[] data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _pos;

        public int Int()
        {
            var v = BinaryPrimitives.ReadInt32LittleEndian(_data[_pos..]);
            _pos += 4;
            return v;
        }

        public ReadOnlySpan<byte> Bytes(int length)
        {
            var slice = _data.Slice(_pos, length);
            _pos += length;
            return slice;
        }

        public string String() => Encoding.UTF8.GetString(Bytes(BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2))));
    }
}

/// <summary>A path and its stat, as the snapshot records it (a class: collections of it use precompiled shared code).</summary>
internal sealed record StatRecord(string Path, PathStat Stat);

/// <summary>A stage and the recipe digest keel.lock holds for it.</summary>
internal sealed record LockedRecipe(string Stage, Digest Recipe);
