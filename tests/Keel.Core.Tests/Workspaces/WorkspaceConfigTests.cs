using Keel.Workspaces;

namespace Keel.Core.Tests.Workspaces;

public sealed class WorkspaceConfigTests : IDisposable
{
    private readonly TempDir _dir = new();

    private WorkspaceConfig Load(string yaml) => WorkspaceConfig.Load(_dir.Write("config.yaml", yaml));

    private KeelException Fails(string yaml) => Assert.Throws<KeelException>(() => Load(yaml));

    [Fact]
    public void Load_DefaultText_GivesDefaults() => Assert.Equal(WorkspaceConfig.Default, Load(WorkspaceConfig.DefaultText));

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    public void Load_Empty_GivesDefaults(string yaml) => Assert.Equal(WorkspaceConfig.Default, Load(yaml));

    [Fact]
    public void Load_EverySetting_Read()
    {
        var config = Load("metadata: sqlite:x.db\nobjects: file:elsewhere\nexecutor: local\ndurable_writes: yes\nremotes: {}\n");

        Assert.Equal(new WorkspaceConfig("sqlite:x.db", "file:elsewhere", "local", true), config);
    }

    [Theory]
    [InlineData("link: hardlink\n", Keel.Objects.LinkMode.Hardlink)]
    [InlineData("link: reflink  # DVC's name: a clone where possible, else a copy\n", Keel.Objects.LinkMode.Copy)]
    [InlineData("{link: copy}\n", Keel.Objects.LinkMode.Copy)]
    public void Load_Link_Read(string yaml, Keel.Objects.LinkMode expected) => Assert.Equal(expected, Load(yaml).Link);

    [Fact]
    public void Load_UnknownLinkMode_NamedWithPosition()
    {
        var e = Fails("objects: file:.keel/objects\nlink: symlink\n");

        Assert.Contains("config.yaml:2:7: 'link' is copy, hardlink or reflink, not 'symlink'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnclosedQuote_NamesFileLineAndColumn()
    {
        var e = Fails("metadata: sqlite:.keel/keel.db\nobjects: \"file:.keel/objects\nexecutor: local\n");

        Assert.Matches(@"config\.yaml:\d+:\d+: ", e.Message);
        Assert.StartsWith(_dir.File("config.yaml") + ":", e.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Load_BadIndentation_PointsAtTheOffendingLine()
    {
        var e = Fails("metadata: sqlite:.keel/keel.db\nobjects: file:.keel/objects\n  executor: local\n");

        Assert.Contains("config.yaml:3:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownKey_NamedWithItsPositionAndTheKnownKeys()
    {
        var e = Fails("metadata: sqlite:.keel/keel.db\n  \nobjekts: file:.keel/objects\n");

        Assert.Contains("config.yaml:3:1: unknown setting 'objekts'", e.Message, StringComparison.Ordinal);
        Assert.Contains("objects", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SettingWithoutValue_NamedWithPosition()
    {
        var e = Fails("metadata:\nobjects: file:.keel/objects\n");

        Assert.Contains("config.yaml:1:", e.Message, StringComparison.Ordinal);
        Assert.Contains("'metadata' needs a value", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NotAMapping_NamedWithPosition()
    {
        var e = Fails("- a\n- b\n");

        Assert.Contains("config.yaml:1:1: expected a mapping", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadBoolean_NamedWithPosition()
    {
        var e = Fails("durable_writes: maybe\n");

        Assert.Contains("config.yaml:1:17: expected true or false, got 'maybe'", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
