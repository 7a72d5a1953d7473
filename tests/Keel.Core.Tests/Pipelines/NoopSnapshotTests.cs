using Keel.Objects;
using Keel.Pipelines;

namespace Keel.Core.Tests.Pipelines;

public sealed class NoopSnapshotTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string KeelDir => _dir.File(".keel");

    private void SaveFor(params string[] paths)
    {
        new NoopSnapshot
        {
            Files = [new SourceFile("keel.yaml", "stages: {}\n"u8.ToArray())],
            StatGroups = [paths.Select(p => new StatRecord(p, PathStat.Of(_dir.File(p))!.Value)).ToArray()],
            Stages = [new LockedRecipe("a", ContentHasher.Hash("recipe"u8))],
        }.Save(KeelDir);
    }

    [Fact]
    public void UpToDateStages_NothingChanged_ListsTheStages()
    {
        _dir.Write("keel.yaml", "stages: {}\n");
        _dir.Write("data/x.txt", "x");
        SaveFor("data", "data/x.txt");

        Assert.Equal(["a"], NoopSnapshot.UpToDateStages(_dir.Path));
    }

    [Fact]
    public void UpToDateStages_FileRewrittenInPlaceWithSameSizeAndMtime_IsNull()
    {
        _dir.Write("keel.yaml", "stages: {}\n");
        var x = _dir.Write("data/x.txt", "x");
        SaveFor("data", "data/x.txt");
        var mtime = File.GetLastWriteTimeUtc(x);

        File.WriteAllText(x, "y");
        File.SetLastWriteTimeUtc(x, mtime);

        // The change time moved: the snapshot no longer vouches for the file.
        Assert.Null(NoopSnapshot.UpToDateStages(_dir.Path));
    }

    [Fact]
    public void UpToDateStages_FileAddedToFolder_IsNull()
    {
        _dir.Write("keel.yaml", "stages: {}\n");
        _dir.Write("data/x.txt", "x");
        SaveFor("data", "data/x.txt");

        _dir.Write("data/new.txt", "new");

        Assert.Null(NoopSnapshot.UpToDateStages(_dir.Path));
    }

    [Fact]
    public void UpToDateStages_SourceFileBytesChanged_IsNull()
    {
        _dir.Write("keel.yaml", "stages: {}\n");
        _dir.Write("data/x.txt", "x");
        SaveFor("data/x.txt");

        _dir.Write("keel.yaml", "stages: []\n");

        Assert.Null(NoopSnapshot.UpToDateStages(_dir.Path));
    }

    [Fact]
    public void UpToDateStages_TruncatedSnapshot_IsNull()
    {
        _dir.Write("keel.yaml", "stages: {}\n");
        _dir.Write("data/x.txt", "x");
        SaveFor("data/x.txt");
        var file = NoopSnapshot.PathIn(KeelDir);

        File.WriteAllBytes(file, File.ReadAllBytes(file)[..40]);

        Assert.Null(NoopSnapshot.UpToDateStages(_dir.Path));
    }

    [Fact]
    public void UpToDateStages_LeftoverSandbox_IsNull()
    {
        _dir.Write("keel.yaml", "stages: {}\n");
        _dir.Write("data/x.txt", "x");
        SaveFor("data/x.txt");

        Directory.CreateDirectory(_dir.File(".keel/stages/run-1"));

        Assert.Null(NoopSnapshot.UpToDateStages(_dir.Path));
    }
}
