using Keel.Team.Tests.Infrastructure;

namespace Keel.Team.Tests.EndToEnd;

/// <summary><c>keel fsck --repair</c> restoring a damaged local object from an S3 remote, checked as it is downloaded.</summary>
[RequiresService("KEEL_TEST_S3")]
public sealed class FsckRepairOnS3Tests : IDisposable
{
    private readonly TempDir _dir = new();

    [ServiceFact]
    public void FsckRepair_S3RemoteHasTheObject_RestoresItAndFsckIsClean()
    {
        // Given a workspace that pushed a CSV to S3, then lost the file and had one byte of its object flipped
        var cli = new TeamCli(_dir.File("home"));
        var ws = _dir.File("ws");
        const string csv = "id,score\n1,0.5\n2,0.75\n";
        _dir.Write("ws/data/scores.csv", csv);
        cli.Run(ws, "init", ".");
        var digest = cli.Run(ws, "add", "data/scores.csv", "--json").Json().GetProperty("digest").GetString()!;
        cli.Run(ws, "remote", "add", "team", Services.NewS3Bucket("repair"));
        cli.Run(ws, "remote", "push");
        File.Delete(_dir.File("ws/data/scores.csv"));
        var obj = Path.Combine(ws, ".keel", "objects", digest[7..9], digest[9..]);
        File.SetUnixFileMode(obj, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var bytes = File.ReadAllBytes(obj);
        bytes[3] ^= 0x01;
        File.WriteAllBytes(obj, bytes);
        cli.Run(ws, 1, TimeSpan.FromMinutes(3), "fsck");

        // When it is repaired
        var repair = cli.Run(ws, "fsck", "--repair", "--json").Json();

        // Then S3's copy is back, and fsck is clean
        Assert.Equal("remote team", Assert.Single(repair.GetProperty("restored").EnumerateArray()).GetProperty("source").GetString());
        Assert.Equal(csv, File.ReadAllText(obj));
        cli.Run(ws, "fsck");
    }

    public void Dispose() => _dir.Dispose();
}
