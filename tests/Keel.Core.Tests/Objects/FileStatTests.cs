using Keel.Objects;

namespace Keel.Core.Tests.Objects;

public sealed class FileStatTests
{
    [Fact]
    public void NativeStat_OnLinuxX64_IsAvailable()
    {
        // Without it the stat cache falls back to inode 0 and cannot see a file replaced by rename.
        var x64 = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64;

        Assert.Equal(x64, NativeStat.IsAvailable);
    }

    [Fact]
    public void Of_RegularFile_GivesSizeMtimeInodeAndMode()
    {
        using var dir = new TempDir();
        var file = dir.Write("f.txt", "12345");
        var mtime = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc).AddTicks(1234567);
        File.SetLastWriteTimeUtc(file, mtime);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var stat = FileStat.Of(file)!.Value;

        Assert.Equal(5, stat.Size);
        Assert.Equal((mtime - DateTime.UnixEpoch).Ticks * 100, stat.MtimeNs);
        Assert.NotEqual(0UL, stat.Inode);
        Assert.Equal(0b111_000_000, stat.Mode);
        Assert.True(stat.IsExecutable);
    }

    [Fact]
    public void Of_MissingFileOrDirectory_Null()
    {
        using var dir = new TempDir();

        Assert.Null(FileStat.Of(dir.File("missing")));
        Assert.Null(FileStat.Of(dir.Path));
    }

    [Fact]
    public void Of_TwoFiles_DifferentInodes()
    {
        using var dir = new TempDir();

        var a = FileStat.Of(dir.Write("a", "x"))!.Value;
        var b = FileStat.Of(dir.Write("b", "x"))!.Value;

        Assert.NotEqual(a.Inode, b.Inode);
    }
}
