using Keel.Objects;
using Keel.Tests.Shared;

namespace Keel.Cli.Tests.Models;

/// <summary>
/// One workspace built once (the tiny churn model registered as tiny@1 with behaviour tests, and a
/// folder dataset rows@1), which each test copies before damaging one stored object: training is
/// the slow part, a copy takes milliseconds.
/// </summary>
public sealed class DamagedObjectFixture : IDisposable
{
    public const string Yaml = """
        stages: {}
        models:
          tiny:
            label: churned
            holdout: data/holdout.csv
            tests:
              - {name: auc-floor, type: metric, metric: auc, min: 0.6}
              - {name: schema, type: schema}
        """;

    private readonly TempWorkspace _template;

    public DamagedObjectFixture()
    {
        _template = TempWorkspace.Init();
        TinyChurnModel.Train(_template.PathOf("data"));
        _template.Write("keel.yaml", Yaml);
        Check(_template.Keel("models", "register", "tiny", "--path", "data/model.zip", "--train", "data/train.csv"));
        ModelDigest = ContentHasher.HashFile(_template.PathOf("data/model.zip"));
        _template.Write("rows/a.txt", "first file\n");
        _template.Write("rows/b.txt", "second file, the one damaged\n");
        _template.Write("rows/c.txt", "third file\n");
        Check(_template.Keel("add", "rows"));
        RowDigest = ContentHasher.Hash(File.ReadAllBytes(_template.PathOf("rows/b.txt")));
    }

    /// <summary>The digest tiny@1 is registered under.</summary>
    public Digest ModelDigest { get; }

    /// <summary>The digest of rows@1's file b.txt.</summary>
    public Digest RowDigest { get; }

    /// <summary>A copy of the workspace, every stored object intact.</summary>
    internal TempWorkspace Copy()
    {
        var copy = TempWorkspace.Empty();
        CopyTree(_template.Root, copy.Root);
        return copy;
    }

    /// <summary>Flips one byte in the middle of a stored object, as a tamperer would: chmod, edit.</summary>
    internal static void Damage(TempWorkspace ws, Digest digest)
    {
        var path = Path.Combine(ws.ObjectsDir, digest.Hex[..2], digest.Hex[2..]);
        var mode = File.GetUnixFileMode(path);
        File.SetUnixFileMode(path, mode | UnixFileMode.UserWrite);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        File.SetUnixFileMode(path, mode);
    }

    internal static void Check(KeelResult r) => Assert.True(r.ExitCode == 0, r.ToString());

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

    public void Dispose() => _template.Dispose();
}
