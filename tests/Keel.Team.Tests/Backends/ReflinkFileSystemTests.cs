using Keel.Team.Tests.Infrastructure;

namespace Keel.Team.Tests.Backends;

/// <summary>
/// <c>keel add</c>'s default (<c>link: copy</c>) on a file system with copy-on-write clones (XFS
/// with reflink=1, loop-mounted by scripts/services.sh): a large file is stored as a clone (its
/// extents shared, no bytes written) that stays independent of the workspace file; small files
/// are written; <c>--link hardlink</c> still links.
/// </summary>
[RequiresService("KEEL_TEST_REFLINK_DIR")]
public sealed class ReflinkFileSystemTests : IDisposable
{
    private readonly TempDir _dir = new(Environment.GetEnvironmentVariable("KEEL_TEST_REFLINK_DIR") ?? Path.GetTempPath());
    private readonly TeamCli _cli;

    public ReflinkFileSystemTests()
    {
        _cli = new TeamCli(_dir.File("home"));
        _cli.Run(_dir.Path, "init", "ws");
    }

    private string Ws => _dir.File("ws");

    [ServiceFact]
    public void Add_LargeFileByDefault_StoredAsACloneThatEditsInPlaceCannotReach()
    {
        // Given a 12 MiB file (above the 4 MiB large-file threshold).
        var bytes = RandomBytes(12 << 20, seed: 5);
        var file = Path.Combine(Ws, "model.bin");
        File.WriteAllBytes(file, bytes);

        // When it is added with the default link mode.
        var add = _cli.Run(Ws, "add", "model.bin", "--json").Json();

        // Then the object holds the bytes under their digest, shares its blocks with the file
        // (a clone: nothing was copied), is another inode and read-only; the file stays writable.
        var digest = add.GetProperty("digest").GetString()!;
        var stored = ObjectPath(digest);
        Assert.Equal(bytes, File.ReadAllBytes(stored));
        Assert.Contains("shared", TeamCli.Sh(Ws, $"filefrag -v '{stored}'"), StringComparison.Ordinal);
        Assert.NotEqual(Inode(file), Inode(stored));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(stored));
        Assert.True(File.GetUnixFileMode(file).HasFlag(UnixFileMode.UserWrite));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(Ws, ".keel", "objects", "tmp")));

        // When the workspace file is overwritten in place (same inode).
        using (var stream = new FileStream(file, FileMode.Open, FileAccess.Write))
        {
            stream.Position = 1 << 20;
            stream.Write(new byte[4096]);
        }

        // Then the stored object is untouched (copy on write), fsck passes and status sees the edit.
        Assert.Equal(bytes, File.ReadAllBytes(stored));
        _cli.Run(Ws, "fsck");
        Assert.Contains("modified", _cli.Run(Ws, "status").Stdout, StringComparison.Ordinal);
    }

    [ServiceFact]
    public void Checkout_OfACloneStoredObject_IsIndependentOfTheStore()
    {
        var bytes = RandomBytes(6 << 20, seed: 6);
        File.WriteAllBytes(Path.Combine(Ws, "data.bin"), bytes);
        var digest = _cli.Run(Ws, "add", "data.bin", "--json").Json().GetProperty("digest").GetString()!;

        var target = _cli.Run(Ws, "checkout", "data@1", "-o", "out", "--json").Json().GetProperty("target").GetString()!;
        var copy = Directory.Exists(target) ? Path.Combine(target, "data.bin") : target;
        Assert.Equal(bytes, File.ReadAllBytes(copy));
        using (var stream = new FileStream(copy, FileMode.Open, FileAccess.Write))
            stream.Write([1, 2, 3]);

        Assert.Equal(bytes, File.ReadAllBytes(ObjectPath(digest)));
        _cli.Run(Ws, "fsck");
    }

    [ServiceFact]
    public void Add_DirectoryOfSmallAndLargeFiles_EveryObjectRightAndHardlinkStillLinks()
    {
        // Small files are written from memory; the large one is cloned.
        for (var i = 0; i < 20; i++) File.WriteAllBytes(Path.Combine(Directory.CreateDirectory(Path.Combine(Ws, "set")).FullName, $"f{i}.bin"), RandomBytes(1000 + i, seed: i));
        File.WriteAllBytes(Path.Combine(Ws, "set", "big.bin"), RandomBytes(5 << 20, seed: 99));
        var add = _cli.Run(Ws, "add", "set", "--json").Json();
        Assert.Equal(21, add.GetProperty("files").GetInt32());
        _cli.Run(Ws, "fsck");

        // --link hardlink on the same file system: the file itself becomes the object.
        File.WriteAllBytes(Path.Combine(Ws, "linked.bin"), RandomBytes(5 << 20, seed: 7));
        var linked = _cli.Run(Ws, "add", "linked.bin", "--link", "hardlink", "--json").Json().GetProperty("digest").GetString()!;
        Assert.Equal(Inode(Path.Combine(Ws, "linked.bin")), Inode(ObjectPath(linked)));
    }

    [ServiceFact]
    public void Add_LargeFileRewrittenThroughout_RefusedWithNothingLeftOrRecordedWhole()
    {
        var file = Path.Combine(Ws, "big.bin");
        File.WriteAllBytes(file, RandomBytes(24 << 20, seed: 8));

        // A writer flips a byte somewhere every few microseconds while keel clones and hashes.
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() =>
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            var random = new Random(9);
            while (!stop.IsCancellationRequested)
            {
                stream.Position = random.Next(24 << 20);
                stream.WriteByte((byte)random.Next(256));
                stream.Flush();
            }
        });
        var add = _cli.Run(Ws, -1, TimeSpan.FromMinutes(2), "add", "big.bin");
        stop.Cancel();
        writer.Wait();

        // Refused with nothing left; or, when the writer missed a whole attempt on the busy
        // cores, recorded as a clone whose bytes match the recorded digest (fsck re-hashes it).
        Assert.True(add.ExitCode is 0 or 2, add.ToString());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(Ws, ".keel", "objects", "tmp")));
        _cli.Run(Ws, "fsck");
        if (add.ExitCode == 2)
        {
            Assert.Contains("kept changing while it was being hashed", add.Stderr, StringComparison.Ordinal);
            Assert.Contains("no datasets", _cli.Run(Ws, "datasets", "list").Stdout, StringComparison.OrdinalIgnoreCase);
            // Nothing but the store's lock file (made at init, docs/cli.md on gc).
            var objects = Path.Combine(Ws, ".keel", "objects");
            Assert.Equal([Path.Combine(objects, "lock")], Directory.EnumerateFiles(objects, "*", SearchOption.AllDirectories));
        }
    }

    private string ObjectPath(string digest)
    {
        var hex = digest["blake3:".Length..];
        return Path.Combine(Ws, ".keel", "objects", hex[..2], hex[2..]);
    }

    private static string Inode(string path) => TeamCli.Sh("/", $"stat -c %i '{path}'").Trim();

    private static byte[] RandomBytes(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public void Dispose() => _dir.Dispose();
}
