using System.Text;
using Keel.Objects;

namespace Keel.Core.Tests.Objects;

public sealed class TreeWalkerTests : IDisposable
{
    private readonly TempDir _dir = new();

    private SortedDictionary<string, FileStat?> Walk(string root)
    {
        var found = new SortedDictionary<string, FileStat?>(StringComparer.Ordinal);
        var gate = new Lock();
        TreeWalker.Walk(root, (ReadOnlySpan<byte> relative, in FileStat stat, bool hasStat) =>
        {
            var path = Encoding.UTF8.GetString(relative);
            var value = hasStat ? stat : (FileStat?)null;
            lock (gate) found.Add(path, value);
        });
        return found;
    }

    [Fact]
    public void Walk_NestedFolders_EveryFileOnceWithItsStat()
    {
        var root = _dir.File("tree");
        var expected = new List<string>();
        for (var d = 0; d < 5; d++)
        {
            for (var f = 0; f < 30; f++)
            {
                var rel = d == 0 ? $"top{f}.txt" : $"d{d}/sub{f % 3}/f{f}.txt";
                _dir.Write("tree/" + rel, new string('x', f));
                expected.Add(rel);
            }
        }
        _dir.Write("tree/naïve name.txt", "u");
        expected.Add("naïve name.txt");

        var found = Walk(root);

        Assert.Equal(expected.Order(StringComparer.Ordinal), found.Keys);
        foreach (var (rel, stat) in found)
            Assert.Equal(FileStat.Of(Path.Combine(root, rel)), stat);
    }

    [Fact]
    public void Walk_SkipsKeelGitAndSymlinkedFoldersButFollowsSymlinkedFiles()
    {
        var root = _dir.File("tree");
        _dir.Write("tree/a.txt", "a");
        _dir.Write("tree/.git/config", "g");
        _dir.Write("tree/sub/.keel/x", "k");
        _dir.Write("tree/sub/.gitignore", "i");
        _dir.Write("elsewhere/b.txt", "b");
        Directory.CreateSymbolicLink(Path.Combine(root, "linked-dir"), _dir.File("elsewhere"));
        File.CreateSymbolicLink(Path.Combine(root, "linked.txt"), _dir.File("elsewhere/b.txt"));
        File.CreateSymbolicLink(Path.Combine(root, "broken.txt"), _dir.File("nowhere"));

        var found = Walk(root);

        Assert.Equal(["a.txt", "broken.txt", "linked.txt", "sub/.gitignore"], found.Keys);
        Assert.Equal(1, found["linked.txt"]!.Value.Size);
        Assert.Null(found["broken.txt"]);
    }

    public void Dispose() => _dir.Dispose();
}
