using Keel.Metadata;
using Keel.Objects;
using Keel.Pipelines;

namespace Keel.Core.Tests.Pipelines;

public sealed class LockFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keel-lock-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Digest D(string text) => ContentHasher.Hash(System.Text.Encoding.UTF8.GetBytes(text));

    private static List<LockedStage> Stages() =>
    [
        new("train", "train --name \"quoted\" 'x' \\ ünï", D("r1"),
            [new LockedPath("src", D("src"), TreeKind.Directory, 1234, 7), new LockedPath("data/a b.csv", D("a"), TreeKind.File, 10, 1, Dataset: "ab@3")],
            [new("params.yaml:train.lr", "0.1"), new("params.yaml:train.name", "a: b # not a comment")],
            [new LockedPath("models/m.zip", D("m"), TreeKind.File, 99, 1, "model")]),
        new("build", "make", D("r0"), [], [], [new LockedPath("build", D("b"), TreeKind.Directory, 5000, 12, "code")]),
    ];

    [Fact]
    public void WriteThenRead_RoundTripsEveryField()
    {
        var path = Path.Combine(_dir, LockFile.FileName);
        LockFile.Write(path, Stages());

        var read = LockFile.Read(path);

        Assert.Equal(["build", "train"], read.Keys.Order(StringComparer.Ordinal));
        foreach (var expected in Stages())
        {
            var actual = read[expected.Name];
            Assert.Equal((expected.Command, expected.Recipe), (actual.Command, actual.Recipe));
            Assert.Equal(expected.Deps.OrderBy(p => p.Path, StringComparer.Ordinal), actual.Deps);
            Assert.Equal(expected.Outs, actual.Outs);
            Assert.Equal(expected.Params.OrderBy(p => p.Key, StringComparer.Ordinal), actual.Params);
        }
    }

    [Fact]
    public void Write_IsByteStable_RegardlessOfInputOrder()
    {
        var first = Path.Combine(_dir, "a.lock");
        var second = Path.Combine(_dir, "b.lock");
        LockFile.Write(first, Stages());
        var shuffled = Stages().Select(s => s with { Deps = s.Deps.Reverse().ToList(), Params = s.Params.Reverse().ToList() }).Reverse();
        LockFile.Write(second, shuffled);

        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
        LockFile.Write(second, LockFile.Read(first).Values);
        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
    }

    [Fact]
    public void Write_IsReadableYamlWithOneStagePerBlock()
    {
        var path = Path.Combine(_dir, LockFile.FileName);
        LockFile.Write(path, Stages()[1..]);

        var expected = $"""
            # keel.lock: the last state of each stage, written by 'keel run'. Commit it with the code.
            schema: 1
            stages:
              "build":
                cmd: "make"
                recipe: {D("r0")}
                outs:
                  - path: "build"
                    digest: {D("b")}
                    type: directory
                    size: 5000
                    files: 12
                    kind: code

            """;
        Assert.Equal(expected, File.ReadAllText(path));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void Read_MissingFile_IsEmpty()
    {
        Assert.Empty(LockFile.Read(Path.Combine(_dir, "none.lock")));
    }

    [Theory]
    [InlineData("stages: {a: [")]
    [InlineData("stages:\n  a:\n    cmd: x\n    recipe: not-a-digest\n")]
    [InlineData("stages:\n  a:\n    cmd: x\n")]
    public void Read_DamagedFile_SaysHowToRecover(string text)
    {
        var path = Path.Combine(_dir, LockFile.FileName);
        File.WriteAllText(path, text);

        var e = Assert.Throws<KeelException>(() => LockFile.Read(path));

        Assert.Contains("restore it from git or delete it", e.Message);
    }
}
