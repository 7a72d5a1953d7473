using Keel.Team.Tests.Infrastructure;
using Keel.Workspaces;

namespace Keel.Team.Tests.Backends;

public sealed class RemoteConfigTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void Add_TwoRemotes_ParsedBackAndCommentsKept()
    {
        var file = _dir.Write("config.yaml", WorkspaceConfig.DefaultText);

        RemoteConfig.Add(file, "team", "s3://b/p?endpoint=http://127.0.0.1:9000");
        RemoteConfig.Add(file, "backup", "file:/srv/keel");

        var config = WorkspaceConfig.Load(file);
        Assert.Equal("s3://b/p?endpoint=http://127.0.0.1:9000", config.Remotes["team"]);
        Assert.Equal("file:/srv/keel", config.Remotes["backup"]);
        Assert.Contains("# Keel workspace configuration", File.ReadAllText(file), StringComparison.Ordinal);
        Assert.Equal(WorkspaceConfig.DefaultMetadata, config.Metadata);
    }

    [Fact]
    public void Add_NameTaken_RefusedAndFileUnchanged()
    {
        var file = _dir.Write("config.yaml", WorkspaceConfig.DefaultText);
        RemoteConfig.Add(file, "team", "file:/a");
        var before = File.ReadAllText(file);

        var e = Assert.Throws<KeelException>(() => RemoteConfig.Add(file, "team", "file:/b"));

        Assert.Contains("already exists", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(file));
    }

    [Fact]
    public void Redact_PasswordInUserInfo_Hidden()
    {
        Assert.Equal("postgres://u:***@h:5432/db", Keel.Workspaces.Backends.Redact("postgres://u:pw@h:5432/db"));
        Assert.Equal("s3://AK:***@bucket/p?endpoint=http://x", Keel.Workspaces.Backends.Redact("s3://AK:SECRET@bucket/p?endpoint=http://x"));
        Assert.Equal("postgres://u@h/db", Keel.Workspaces.Backends.Redact("postgres://u@h/db"));
    }

    public void Dispose() => _dir.Dispose();
}
