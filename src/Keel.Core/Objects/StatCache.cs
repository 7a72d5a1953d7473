using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;

namespace Keel.Objects;

/// <summary>
/// Maps (path, size, mtime, inode, ctime) to a digest so an unchanged file is never hashed twice.
/// Kept as one binary file replaced atomically; losing it only costs re-hashing. An entry
/// whose mtime is within <see cref="RacyWindow"/> of when it was recorded is not trusted,
/// since a second write in the same clock tick could leave size and mtime unchanged.
/// </summary>
internal sealed class StatCache
{
    public static readonly TimeSpan RacyWindow = TimeSpan.FromSeconds(2);
    private static ReadOnlySpan<byte> Magic => "KSC2"u8;

    private readonly string _file;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Entry> _entries;
    private bool _dirty;

    private StatCache(string file, TimeProvider time, ConcurrentDictionary<string, Entry> entries)
    {
        _file = file;
        _time = time;
        _entries = entries;
    }

    // A class, not a struct: the dictionary then uses the framework's precompiled shared code
    // instead of JIT-compiling an instantiation in every short-lived process.
    private sealed record Entry(long Size, long MtimeNs, ulong Inode, long CtimeNs, Digest Digest, bool Racy);

    public int Count => _entries.Count;

    public static StatCache Load(string file, TimeProvider time)
    {
        var entries = new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal);
        try
        {
            if (File.Exists(file)) Read(File.ReadAllBytes(file), entries);
        }
        catch (Exception e) when (e is IOException or FormatException or ArgumentException)
        {
            // A damaged cache is no cache: everything is re-hashed.
            entries.Clear();
        }
        return new StatCache(file, time, entries);
    }

    /// <summary>The digest recorded for this exact stat, or null if anything differs.</summary>
    public Digest? Lookup(string path, FileStat stat) =>
        _entries.TryGetValue(path, out var e) && !e.Racy && e.Size == stat.Size && e.MtimeNs == stat.MtimeNs && e.Inode == stat.Inode && e.CtimeNs == stat.CtimeNs
            ? e.Digest
            : null;

    /// <summary>Every path last recorded with this digest: where <c>keel fsck --repair</c> looks for intact copies (it re-hashes them).</summary>
    public IEnumerable<string> PathsOf(Digest digest) =>
        _entries.Where(kv => kv.Value.Digest == digest).Select(kv => kv.Key);

    public void Record(string path, FileStat stat, Digest digest)
    {
        var nowNs = _time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000;
        var racy = nowNs - stat.MtimeNs < (long)RacyWindow.TotalMilliseconds * 1_000_000;
        var entry = new Entry(stat.Size, stat.MtimeNs, stat.Inode, stat.CtimeNs, digest, racy);
        if (_entries.TryGetValue(path, out var old) && old == entry) return;
        _entries[path] = entry;
        _dirty = true;
    }

    public void Forget(string path)
    {
        if (_entries.TryRemove(path, out _)) _dirty = true;
    }

    /// <summary>Writes the cache if it changed (temp file and rename; never a torn cache).</summary>
    public void Save()
    {
        lock (_saveGate) SaveLocked();
    }

    private readonly Lock _saveGate = new();

    private void SaveLocked()
    {
        if (!_dirty) return;
        var buffer = new MemoryStream(_entries.Count * 96);
        Span<byte> fixedPart = stackalloc byte[8 + 8 + 8 + 8 + 1 + 32];
        buffer.Write(Magic);
        Span<byte> count = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(count, _entries.Count);
        buffer.Write(count);
        Span<byte> hash = stackalloc byte[32];
        _dirty = false;
        var snapshot = _entries.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(count, snapshot.Length);
        buffer.Position = 4;
        buffer.Write(count);
        foreach (var (path, e) in snapshot)
        {
            var pathBytes = Encoding.UTF8.GetBytes(path);
            BinaryPrimitives.WriteInt32LittleEndian(count, pathBytes.Length);
            buffer.Write(count);
            buffer.Write(pathBytes);
            BinaryPrimitives.WriteInt64LittleEndian(fixedPart, e.Size);
            BinaryPrimitives.WriteInt64LittleEndian(fixedPart[8..], e.MtimeNs);
            BinaryPrimitives.WriteUInt64LittleEndian(fixedPart[16..], e.Inode);
            BinaryPrimitives.WriteInt64LittleEndian(fixedPart[24..], e.CtimeNs);
            fixedPart[32] = e.Racy ? (byte)1 : (byte)0;
            Convert.FromHexString(e.Digest.Hex, hash, out _, out _);
            hash.CopyTo(fixedPart[33..]);
            buffer.Write(fixedPart);
        }
        var temp = _file + "." + Environment.ProcessId + ".tmp";
        File.WriteAllBytes(temp, buffer.ToArray());
        File.Move(temp, _file, overwrite: true);
    }

    private static void Read(ReadOnlySpan<byte> data, ConcurrentDictionary<string, Entry> entries)
    {
        if (!data.StartsWith(Magic)) throw new FormatException("not a stat cache");
        var pos = 4;
        var n = BinaryPrimitives.ReadInt32LittleEndian(data[pos..]);
        pos += 4;
        // Each entry takes at least 69 bytes: a damaged count must not size a huge dictionary.
        if (n < 0 || n > (data.Length - pos) / 69) throw new FormatException("stat cache entry count is damaged");
        for (var i = 0; i < n; i++)
        {
            var len = BinaryPrimitives.ReadInt32LittleEndian(data[pos..]);
            pos += 4;
            var path = Encoding.UTF8.GetString(data.Slice(pos, len));
            pos += len;
            var size = BinaryPrimitives.ReadInt64LittleEndian(data[pos..]);
            var mtime = BinaryPrimitives.ReadInt64LittleEndian(data[(pos + 8)..]);
            var inode = BinaryPrimitives.ReadUInt64LittleEndian(data[(pos + 16)..]);
            var ctime = BinaryPrimitives.ReadInt64LittleEndian(data[(pos + 24)..]);
            var racy = data[pos + 32] != 0;
            var digest = Digest.FromBytes(data.Slice(pos + 33, 32));
            pos += 65;
            entries[path] = new Entry(size, mtime, inode, ctime, digest, racy);
        }
    }
}
