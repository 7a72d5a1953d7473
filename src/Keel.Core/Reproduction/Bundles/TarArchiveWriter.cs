using System.Globalization;
using System.Text;
using Keel.Objects;
using Microsoft.Win32.SafeHandles;

namespace Keel.Reproduction.Bundles;

/// <summary>
/// Writes a POSIX (pax) tar straight into a file handle: a ustar header per entry, preceded by a
/// pax extended header only when a name or a size does not fit ustar's fields. A file's bytes go
/// from its handle to the archive with <see cref="FileRangeCopy"/>, inside the kernel, so an
/// object is read once and written once and never copied through this process.
/// </summary>
internal sealed class TarArchiveWriter(SafeFileHandle output, DateTimeOffset modified)
{
    private const int Block = 512;
    private const long UstarMaxSize = 077777777777L;

    private readonly long _mtime = modified.ToUnixTimeSeconds();
    private long _position;

    /// <summary>Bytes written so far.</summary>
    public long Position => _position;

    public void Add(string name, ReadOnlySpan<byte> data)
    {
        WriteHeader(name, data.Length);
        RandomAccess.Write(output, data, _position);
        _position += data.Length;
        Pad();
    }

    /// <summary>Adds <paramref name="length"/> bytes of an open file; throws when it holds fewer.</summary>
    public void Add(string name, SafeFileHandle source, long length)
    {
        WriteHeader(name, length);
        var copied = FileRangeCopy.Copy(source, 0, output, _position, length);
        if (copied != length) throw new KeelException($"{name}: the file ended after {copied} of {length} bytes while it was being exported");
        _position += length;
        Pad();
    }

    /// <summary>Adds a stream's bytes (objects of a store that is not a local folder).</summary>
    public void Add(string name, Stream source, long length)
    {
        WriteHeader(name, length);
        var buffer = new byte[(int)Math.Clamp(length, 1, 4 << 20)];
        long copied = 0;
        while (copied < length)
        {
            var n = source.Read(buffer, 0, (int)Math.Min(buffer.Length, length - copied));
            if (n == 0) throw new KeelException($"{name}: the object ended after {copied} of {length} bytes while it was being exported");
            RandomAccess.Write(output, buffer.AsSpan(0, n), _position);
            _position += n;
            copied += n;
        }
        Pad();
    }

    /// <summary>The end-of-archive marker: two zero blocks.</summary>
    public void Finish()
    {
        RandomAccess.Write(output, new byte[2 * Block], _position);
        _position += 2 * Block;
    }

    private void WriteHeader(string name, long size)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var extended = new StringBuilder();
        if (nameBytes.Length > 100) extended.Append(Record("path", name));
        if (size > UstarMaxSize) extended.Append(Record("size", size.ToString(CultureInfo.InvariantCulture)));
        if (extended.Length > 0)
        {
            var body = Encoding.UTF8.GetBytes(extended.ToString());
            var shortName = Path.GetFileName(name);
            RandomAccess.Write(output, Header("PaxHeaders/" + shortName[..Math.Min(80, shortName.Length)], body.Length, (byte)'x'), _position);
            _position += Block;
            RandomAccess.Write(output, body, _position);
            _position += body.Length;
            Pad();
        }
        RandomAccess.Write(output, Header(nameBytes.Length > 100 ? name[..100] : name, size > UstarMaxSize ? 0 : size, (byte)'0'), _position);
        _position += Block;
    }

    private byte[] Header(string name, long size, byte type)
    {
        var h = new byte[Block];
        Encoding.UTF8.GetBytes(name, h.AsSpan(0, 100));
        Octal(h, 100, 8, 0b110_100_100);
        Octal(h, 108, 8, 0);
        Octal(h, 116, 8, 0);
        Octal(h, 124, 12, size);
        Octal(h, 136, 12, _mtime);
        h.AsSpan(148, 8).Fill((byte)' ');
        h[156] = type;
        "ustar\0"u8.CopyTo(h.AsSpan(257));
        "00"u8.CopyTo(h.AsSpan(263));
        Octal(h, 329, 8, 0);
        Octal(h, 337, 8, 0);
        var sum = 0;
        foreach (var b in h) sum += b;
        Octal(h, 148, 7, sum);
        return h;
    }

    /// <summary>A zero-padded octal number filling <paramref name="width"/> - 1 digits and a NUL.</summary>
    private static void Octal(byte[] h, int at, int width, long value)
    {
        var digits = Convert.ToString(value, 8).PadLeft(width - 1, '0');
        Encoding.ASCII.GetBytes(digits, h.AsSpan(at, width - 1));
        h[at + width - 1] = 0;
    }

    /// <summary>A pax record, "LEN key=value\n", whose LEN counts itself.</summary>
    private static string Record(string key, string value)
    {
        var rest = 1 + Encoding.UTF8.GetByteCount(key) + 1 + Encoding.UTF8.GetByteCount(value) + 1;
        var length = rest + 1;
        while (length.ToString(CultureInfo.InvariantCulture).Length + rest != length) length++;
        return $"{length} {key}={value}\n";
    }

    private void Pad()
    {
        var rest = (int)(_position % Block);
        if (rest == 0) return;
        RandomAccess.Write(output, new byte[Block - rest], _position);
        _position += Block - rest;
    }
}
