namespace Keel.Testing;

/// <summary>What a tamperer or a failing disk does to stored files, and the copies tests damage.</summary>
public static class Tamper
{
    /// <summary>Flips one bit of the middle byte of <paramref name="path"/>, as a tamperer would: chmod, edit, chmod back.</summary>
    public static void FlipByte(string path)
    {
        var mode = File.GetUnixFileMode(path);
        File.SetUnixFileMode(path, mode | UnixFileMode.UserWrite);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        File.SetUnixFileMode(path, mode);
    }

    /// <summary>Copies a folder tree with its files' modes (stored objects are read-only).</summary>
    public static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            File.Copy(file, target);
            File.SetUnixFileMode(target, File.GetUnixFileMode(file));
        }
    }
}
