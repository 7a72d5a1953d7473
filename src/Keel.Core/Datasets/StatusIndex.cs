using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Keel.Objects;

namespace Keel.Datasets;

/// <summary>
/// What <c>keel status</c> reads instead of the manifest and the stat cache, like git's index:
/// for the latest version of one dataset, each file's path (UTF-8, relative to the dataset's
/// path), its digest in that version as 32 raw bytes, and the stat the file had when its bytes
/// were last seen to match that digest. Kept in <c>.keel/status/NAME</c>, replaced atomically,
/// valid only for the version digest and path in its header; a missing, stale or damaged index
/// is rebuilt from the manifest, so losing it only costs time. An entry whose mtime was within
/// <see cref="StatCache.RacyWindow"/> of when it was recorded is not trusted.
/// </summary>
internal sealed class StatusIndex
{
    private static ReadOnlySpan<byte> Magic => "KSI2"u8;

    private const int Trusted = 1;

    private readonly Record[] _records;
    private readonly byte[] _paths;
    private readonly int[] _slots;

    private StatusIndex(Digest version, string datasetPath, Record[] records, byte[] paths)
    {
        Version = version;
        DatasetPath = datasetPath;
        _records = records;
        _paths = paths;
        _slots = BuildSlots(records, paths);
    }

    /// <summary>The version digest the entries belong to.</summary>
    public Digest Version { get; }

    public string DatasetPath { get; }

    public int Count => _records.Length;

    /// <summary>True when an entry changed since the index was loaded, so it should be saved.</summary>
    public bool Dirty { get; private set; }

    [StructLayout(LayoutKind.Sequential)]
    private struct Record
    {
        public long Size;
        public long MtimeNs;
        public ulong Inode;
        public long CtimeNs;
        public Hash32 Digest;
        public int PathOffset;
        public int PathLength;
        public int Mode;
        public int Flags;
    }

    [InlineArray(32)]
    private struct Hash32
    {
        private byte _first;
    }

    public static string FileFor(string keelDir, string datasetName) => Path.Combine(keelDir, "status", datasetName);

    /// <summary>Every entry untrusted: each file is checked once through the stat cache or a hash.</summary>
    public static StatusIndex FromManifest(Digest version, string datasetPath, IReadOnlyList<ManifestEntry> entries)
    {
        var records = new Record[entries.Count];
        var paths = new ArrayBuilder(entries.Count * 24);
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            records[i] = new Record { Size = e.Size, Mode = e.Mode, PathOffset = paths.Length };
            records[i].PathLength = paths.AppendUtf8(e.Path);
            Convert.FromHexString(e.Digest.Hex, records[i].Digest, out _, out _);
        }
        return new StatusIndex(version, datasetPath, records, paths.ToArray()) { Dirty = true };
    }

    /// <summary>Entries with the stats they were hashed under (paths relative to the dataset's path).</summary>
    public static StatusIndex FromSnapshot(Digest version, string datasetPath, IReadOnlyList<ManifestEntry> entries, IReadOnlyList<FileStat> stats, TimeProvider time)
    {
        var index = FromManifest(version, datasetPath, entries);
        var nowNs = NowNs(time);
        for (var i = 0; i < entries.Count; i++) index.SetStat(i, stats[i], nowNs);
        return index;
    }

    /// <summary>The index saved for this version of the dataset, or null when there is none or it is stale or damaged.</summary>
    public static StatusIndex? Load(string file, Digest version, string datasetPath)
    {
        if (!BitConverter.IsLittleEndian) return null;
        try
        {
            using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read);
            var length = RandomAccess.GetLength(handle);
            if (length < 44 || length > int.MaxValue) return null;
            var header = new byte[44];
            if (ReadAt(handle, header, 0) != header.Length || !header.AsSpan().StartsWith(Magic)) return null;
            if (!Hex(header.AsSpan(4, 32)).SequenceEqual(version.Hex)) return null;
            var count = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(36));
            var pathBytes = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(40));
            var datasetPathBytes = Encoding.UTF8.GetByteCount(datasetPath);
            var recordBytes = (long)count * Unsafe.SizeOf<Record>();
            if (count < 0 || pathBytes < 0 || 44 + 4 + datasetPathBytes + recordBytes + pathBytes != length) return null;

            var pathHeader = new byte[4 + datasetPathBytes];
            if (ReadAt(handle, pathHeader, 44) != pathHeader.Length) return null;
            if (BinaryPrimitives.ReadInt32LittleEndian(pathHeader) != datasetPathBytes || Encoding.UTF8.GetString(pathHeader.AsSpan(4)) != datasetPath) return null;
            var records = new Record[count];
            var offset = 44L + pathHeader.Length;
            if (ReadAt(handle, MemoryMarshal.AsBytes(records.AsSpan()), offset) != recordBytes) return null;
            var paths = new byte[pathBytes];
            if (ReadAt(handle, paths, offset + recordBytes) != pathBytes) return null;
            foreach (ref readonly var r in records.AsSpan())
                if (r.PathOffset < 0 || r.PathLength < 0 || (long)r.PathOffset + r.PathLength > pathBytes) return null;
            return new StatusIndex(version, datasetPath, records, paths);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Writes the index (temp file and rename); a failure only means the next status rebuilds it.</summary>
    public void Save(string file)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var datasetPath = Encoding.UTF8.GetBytes(DatasetPath);
            var header = new byte[44 + 4 + datasetPath.Length];
            Magic.CopyTo(header);
            Convert.FromHexString(Version.Hex, header.AsSpan(4, 32), out _, out _);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(36), _records.Length);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(40), _paths.Length);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(44), datasetPath.Length);
            datasetPath.CopyTo(header.AsSpan(48));
            var temp = file + "." + Environment.ProcessId + ".tmp";
            using (var handle = File.OpenHandle(temp, FileMode.Create, FileAccess.Write))
            {
                RandomAccess.Write(handle, header, 0);
                var records = MemoryMarshal.AsBytes(_records.AsSpan());
                RandomAccess.Write(handle, records, header.Length);
                RandomAccess.Write(handle, _paths, header.Length + records.Length);
            }
            File.Move(temp, file, overwrite: true);
            Dirty = false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Diagnostics.Trace($"status index not saved: {e.Message}");
        }
    }

    /// <summary>The entry for a path relative to the dataset's path, or -1.</summary>
    public int Find(ReadOnlySpan<byte> relativePath)
    {
        var mask = _slots.Length - 1;
        for (var slot = HashOf(relativePath) & mask; ; slot = (slot + 1) & mask)
        {
            var i = _slots[slot] - 1;
            if (i < 0) return -1;
            if (PathBytes(i).SequenceEqual(relativePath)) return i;
        }
    }

    /// <summary>True when the file still has the stat under which it was seen to match.</summary>
    public bool Matches(int i, in FileStat stat)
    {
        ref readonly var r = ref _records[i];
        return (r.Flags & Trusted) != 0 && r.Size == stat.Size && r.MtimeNs == stat.MtimeNs && r.Inode == stat.Inode && r.CtimeNs == stat.CtimeNs;
    }

    public bool DigestEquals(int i, Digest digest)
    {
        Span<byte> raw = stackalloc byte[32];
        Convert.FromHexString(digest.Hex, raw, out _, out _);
        return raw.SequenceEqual(_records[i].Digest);
    }

    public string PathOf(int i) => Encoding.UTF8.GetString(PathBytes(i));

    /// <summary>Records that the file had entry <paramref name="i"/>'s digest under this stat.</summary>
    public void Trust(int i, in FileStat stat, TimeProvider time) => SetStat(i, stat, NowNs(time));

    private void SetStat(int i, in FileStat stat, long nowNs)
    {
        ref var r = ref _records[i];
        var racy = nowNs - stat.MtimeNs < (long)StatCache.RacyWindow.TotalMilliseconds * 1_000_000;
        r.Size = stat.Size;
        r.MtimeNs = stat.MtimeNs;
        r.Inode = stat.Inode;
        r.CtimeNs = stat.CtimeNs;
        r.Flags = racy ? 0 : Trusted;
        Dirty = true;
    }

    private static long NowNs(TimeProvider time) => time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000;

    private ReadOnlySpan<byte> PathBytes(int i) => _paths.AsSpan(_records[i].PathOffset, _records[i].PathLength);

    private static int[] BuildSlots(Record[] records, byte[] paths)
    {
        var size = 16;
        while (size < records.Length * 2) size <<= 1;
        var slots = new int[size];
        var mask = size - 1;
        for (var i = 0; i < records.Length; i++)
        {
            var slot = HashOf(paths.AsSpan(records[i].PathOffset, records[i].PathLength)) & mask;
            while (slots[slot] != 0) slot = (slot + 1) & mask;
            slots[slot] = i + 1;
        }
        return slots;
    }

    /// <summary>A fast non-cryptographic hash of a path, eight bytes at a time.</summary>
    private static int HashOf(ReadOnlySpan<byte> bytes)
    {
        var h = 0x9E3779B97F4A7C15UL ^ (ulong)bytes.Length;
        while (bytes.Length >= 8)
        {
            h = (ulong.RotateLeft(h ^ BinaryPrimitives.ReadUInt64LittleEndian(bytes), 29) * 0xBF58476D1CE4E5B9UL) + 0x94D049BB133111EBUL;
            bytes = bytes[8..];
        }
        ulong tail = 0;
        for (var k = 0; k < bytes.Length; k++) tail |= (ulong)bytes[k] << (8 * k);
        h = (h ^ tail) * 0xBF58476D1CE4E5B9UL;
        h ^= h >> 31;
        return (int)(h & 0x7FFF_FFFF);
    }

    private static int ReadAt(Microsoft.Win32.SafeHandles.SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = RandomAccess.Read(handle, buffer[total..], offset + total);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    private static string Hex(ReadOnlySpan<byte> raw) => Convert.ToHexStringLower(raw);

    /// <summary>A growable byte array for the path blob.</summary>
    private sealed class ArrayBuilder(int capacity)
    {
        private byte[] _bytes = new byte[Math.Max(capacity, 16)];

        public int Length { get; private set; }

        public int AppendUtf8(string text)
        {
            var needed = Encoding.UTF8.GetMaxByteCount(text.Length);
            if (Length + needed > _bytes.Length) Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + needed));
            var written = Encoding.UTF8.GetBytes(text, _bytes.AsSpan(Length));
            Length += written;
            return written;
        }

        public byte[] ToArray() => _bytes.AsSpan(0, Length).ToArray();
    }
}
