using System.Text;
using Keel.Objects;

namespace Keel.Cli.Tests.Reproduction;

public sealed class DamagedInputTests(SmallPipeline small) : IClassFixture<SmallPipeline>
{
    [Fact]
    public void Reproduce_RawInputDamagedInTheStore_RefusesNamingItAndRunsNothing()
    {
        var ws = Path.Combine(small.Temp, "damaged-" + Guid.NewGuid().ToString("N"));
        CopyTree(small.Root, ws);
        var raw = ContentHasher.Hash(Encoding.UTF8.GetBytes("alpha\nbeta\ngamma\n"));
        var stored = Path.Combine(ws, ".keel", "objects", raw.Hex[..2], raw.Hex[2..]);
        Assert.True(File.Exists(stored));
        Flip(stored);
        var folder = Path.Combine(small.Temp, "repro-" + Guid.NewGuid().ToString("N"));

        var r = small.Cli.Run(ws, "reproduce", "models/m.bin", "--in", folder);

        Assert.True(r.ExitCode == 1, r.ToString());
        var line = Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains("data/raw.txt", line, StringComparison.Ordinal);
        Assert.Contains(raw.ToString(), line, StringComparison.Ordinal);
        Assert.Contains("damaged", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder, "work", "data", "clean")), "prepare ran on damaged bytes");
    }

    private static void Flip(string path)
    {
        var mode = File.GetUnixFileMode(path);
        File.SetUnixFileMode(path, mode | UnixFileMode.UserWrite);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        File.SetUnixFileMode(path, mode);
    }

    private static void CopyTree(string from, string to)
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
