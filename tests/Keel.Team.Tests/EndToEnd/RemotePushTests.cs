using Keel.Team.Tests.Infrastructure;

namespace Keel.Team.Tests.EndToEnd;

/// <summary><c>keel remote push</c> to S3: one listing then one PUT per missing object, safe when two workspaces push the same objects at once.</summary>
[RequiresService("KEEL_TEST_S3")]
public sealed class RemotePushTests : IDisposable
{
    private readonly TempDir _dir = new();

    [ServiceFact]
    public void Push_TwoWorkspacesSameObjectsAtOnce_BothSucceedAndEveryObjectArrivesIntact()
    {
        // Given two workspaces holding the same 300 files (more than one listing's threshold) and one remote.
        var cli = new TeamCli(_dir.File("home"));
        var remote = Services.NewS3Bucket("shared");
        var workspaces = new[] { _dir.File("a"), _dir.File("b") };
        foreach (var ws in workspaces)
        {
            for (var i = 0; i < 300; i++) _dir.Write($"{Path.GetFileName(ws)}/data/f{i:D3}.txt", $"row {i}\n" + new string('x', i));
            cli.Run(ws, "init", ".");
            cli.Run(ws, "add", "data");
            cli.Run(ws, "remote", "add", "team", remote);
        }

        // When both push at the same time.
        var pushes = workspaces.Select(ws => Task.Run(() => cli.Run(ws, "remote", "push", "--json"))).ToArray();
        Task.WaitAll(pushes);

        // Then both succeed, and a third workspace pulls all 301 objects of the dataset back, each
        // matching its digest (every download is checked, and fsck re-hashes them); a push after
        // that sends nothing.
        var reports = pushes.Select(p => p.Result.Json()).ToList();
        Assert.All(reports, r => Assert.Equal(301, r.GetProperty("wanted").GetInt32()));
        Assert.True(reports.Max(r => r.GetProperty("copied").GetInt32()) > 0);
        var c = _dir.File("c");
        Directory.CreateDirectory(c);
        cli.Run(c, "init", ".");
        cli.Run(c, "remote", "add", "team", remote);
        var manifest = cli.Run(workspaces[0], "datasets", "list", "--json").Json().GetProperty("datasets")[0].GetProperty("digest").GetString()!;
        Assert.Equal(301, cli.Run(c, "remote", "pull", manifest, "--json").Json().GetProperty("copied").GetInt32());
        cli.Run(c, "fsck");
        var again = cli.Run(workspaces[1], "remote", "push", "--json").Json();
        Assert.Equal((0, 301), (again.GetProperty("copied").GetInt32(), again.GetProperty("already_there").GetInt32()));
    }

    public void Dispose() => _dir.Dispose();
}
