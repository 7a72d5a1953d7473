using Keel.Objects;
using Keel.Testing;
using Keel.Tests.Shared;

namespace Keel.Cli.Tests.Models;

/// <summary>
/// One workspace built once (the tiny churn model registered as tiny@1 with behaviour tests, and a
/// folder dataset rows@1), which each test copies before damaging one stored object: training is
/// the slow part, a copy takes milliseconds.
/// </summary>
public sealed class DamagedObjectFixture : IDisposable
{
    private readonly TempWorkspace _template;

    public DamagedObjectFixture()
    {
        _template = TempWorkspace.Init();
        TinyChurnModel.Train(_template.PathOf("data"));
        _template.Write("keel.yaml", TinyModelYaml.WithTests);
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
        Tamper.CopyTree(_template.Root, copy.Root);
        return copy;
    }

    /// <summary>Flips one byte in the middle of a stored object, as a tamperer would: chmod, edit.</summary>
    internal static void Damage(TempWorkspace ws, Digest digest) =>
        Tamper.FlipByte(Path.Combine(ws.ObjectsDir, digest.Hex[..2], digest.Hex[2..]));

    internal static void Check(KeelResult r) => Assert.True(r.ExitCode == 0, r.ToString());


    public void Dispose() => _template.Dispose();
}
