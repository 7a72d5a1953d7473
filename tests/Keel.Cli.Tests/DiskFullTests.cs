using System.Text.RegularExpressions;

namespace Keel.Cli.Tests;

/// <summary>
/// Commands on a file system that fills up midway fail with one clear line and leave every store
/// as it was: fsck clean, no version or output recorded, no temp file left, the database readable.
/// </summary>
public sealed partial class DiskFullTests
{
    [DiskFullFact]
    public void Add_DiskFillsWhileStoring_OneLineAndStoreAsBefore()
    {
        using var disk = SmallFileSystem.Mount(24);
        var ws = disk.Path;
        Assert.Equal(0, KeelProcess.Run(ws, "init").ExitCode);
        File.WriteAllText(Path.Combine(ws, "keep.txt"), "recorded before the disk filled");
        Assert.Equal(0, KeelProcess.Run(ws, "add", "keep.txt", "--name", "keep").ExitCode);
        // Half the free space: the file fits, its copy in the store does not.
        WriteRandom(Path.Combine(ws, "big.bin"), (int)Math.Min(disk.FreeBytes * 3 / 5, 64L << 20), seed: 1);
        var objectsBefore = ObjectFiles(ws);

        var add = KeelProcess.Run(ws, "add", "big.bin");

        Assert.NotEqual(0, add.ExitCode);
        AssertStoreAsBefore(ws, objectsBefore);
        var datasets = KeelProcess.Run(ws, "datasets", "list", "--json");
        Assert.Equal(0, datasets.ExitCode);
        Assert.Equal(["keep@1"], datasets.Json().GetProperty("datasets").EnumerateArray().Select(d => d.GetProperty("ref").GetString()));
        AssertOneClearLine(add);
    }

    [DiskFullFact]
    public void Run_DiskFillsWhileStoringAnOutput_OneLineAndNothingRecorded()
    {
        using var disk = SmallFileSystem.Mount(24);
        var ws = disk.Path;
        Assert.Equal(0, KeelProcess.Run(ws, "init").ExitCode);
        var bytes = disk.FreeBytes * 3 / 5;
        File.WriteAllText(Path.Combine(ws, "keel.yaml"), $"""
            stages:
              fill:
                cmd: head -c {bytes} /dev/urandom > out.bin
                outs: [out.bin]
            """);
        var run = KeelProcess.Run(ws, "run");

        Assert.NotEqual(0, run.ExitCode);
        // The failed run is recorded with its (small) log objects; the output itself must not be stored.
        AssertStoreAsBefore(ws, objectsBefore: null);
        Assert.DoesNotContain(ObjectFiles(ws), f => new FileInfo(Path.Combine(ws, ".keel", "objects", f)).Length > bytes / 2);
        Assert.False(File.Exists(Path.Combine(ws, "keel.lock")), "keel.lock was written for a stage whose output was not stored");
        var runs = KeelProcess.Run(ws, "runs", "list", "--json");
        Assert.Equal(0, runs.ExitCode);
        Assert.DoesNotContain(runs.Json().GetProperty("runs").EnumerateArray(), r => r.GetProperty("status").GetString() == "finished");
        var stages = Path.Combine(ws, ".keel", "stages");
        Assert.False(Directory.Exists(stages) && Directory.EnumerateFileSystemEntries(stages).Any(), "a stage sandbox was left in .keel/stages");
        AssertOneClearLine(run);
    }

    private static void AssertOneClearLine(KeelResult result)
    {
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var error = Assert.Single(lines, l => l.StartsWith("keel:", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("at ", StringComparison.Ordinal));
        Assert.Matches(SpaceWords(), error);
        Assert.DoesNotMatch(ResourceKey(), error);
    }

    private static void AssertStoreAsBefore(string ws, IReadOnlyList<string>? objectsBefore)
    {
        var fsck = KeelProcess.Run(ws, "fsck", "--json");
        Assert.True(fsck.ExitCode == 0, fsck.ToString());
        Assert.Equal(0, fsck.Json().GetProperty("stale_temp_files").GetInt32());
        if (objectsBefore is not null) Assert.Equal(objectsBefore, ObjectFiles(ws));
        var temp = Path.Combine(ws, ".keel", "objects", "tmp");
        Assert.False(Directory.Exists(temp) && Directory.EnumerateFiles(temp).Any(), "a temp file was left in .keel/objects/tmp");
        Assert.Equal(0, KeelProcess.Run(ws, "status").ExitCode);
    }

    private static List<string> ObjectFiles(string ws)
    {
        var objects = Path.Combine(ws, ".keel", "objects");
        return [.. Directory.EnumerateFiles(objects, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(objects, f)).Order(StringComparer.Ordinal)];
    }

    private static void WriteRandom(string path, int bytes, int seed)
    {
        var data = new byte[bytes];
        new Random(seed).NextBytes(data);
        File.WriteAllBytes(path, data);
    }

    [GeneratedRegex(@"keel: \S+( \S+){3,}")]
    private static partial Regex SpaceWords();

    // .NET's resource keys, shown instead of sentences when resources are trimmed: IO_DiskFull_Path_AllocationSize.
    [GeneratedRegex(@"\b[A-Z][A-Za-z]+_[A-Z][A-Za-z]+(_[A-Za-z]+)*\b")]
    private static partial Regex ResourceKey();
}
