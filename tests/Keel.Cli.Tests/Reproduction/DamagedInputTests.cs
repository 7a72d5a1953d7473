using System.Text;
using Keel.Objects;
using Keel.Testing;

namespace Keel.Cli.Tests.Reproduction;

public sealed class DamagedInputTests(SmallPipeline small) : IClassFixture<SmallPipeline>
{
    [Fact]
    public void Reproduce_RawInputDamagedInTheStore_RefusesNamingItAndRunsNothing()
    {
        var ws = Path.Combine(small.Temp, "damaged-" + Guid.NewGuid().ToString("N"));
        Tamper.CopyTree(small.Root, ws);
        var raw = ContentHasher.Hash(Encoding.UTF8.GetBytes("alpha\nbeta\ngamma\n"));
        var stored = Path.Combine(ws, ".keel", "objects", raw.Hex[..2], raw.Hex[2..]);
        Assert.True(File.Exists(stored));
        Tamper.FlipByte(stored);
        var folder = Path.Combine(small.Temp, "repro-" + Guid.NewGuid().ToString("N"));

        var r = small.Cli.Run(ws, "reproduce", "models/m.bin", "--in", folder);

        Assert.True(r.ExitCode == 1, r.ToString());
        var line = Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains("data/raw.txt", line, StringComparison.Ordinal);
        Assert.Contains(raw.ToString(), line, StringComparison.Ordinal);
        Assert.Contains("damaged", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder, "work", "data", "clean")), "prepare ran on damaged bytes");
    }

}
