using Keel.Postgres;
using Keel.Team.Tests.Infrastructure;

namespace Keel.Team.Tests.Backends;

[RequiresService("KEEL_TEST_POSTGRES")]
public sealed class PostgresFaultTests
{
    [ServiceFact]
    public void Open_ServerUnreachable_NamesTheUriWithoutPassword()
    {
        var e = Assert.Throws<KeelException>(() => new PostgresMetadataStore("postgres://alice:s3cret-pw@127.0.0.1:1/keel", TimeProvider.System).Dispose());
        Assert.Contains("postgres://alice:***@127.0.0.1:1/keel", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", e.ToString(), StringComparison.Ordinal);
    }

    [ServiceFact]
    public void Open_WrongPassword_SaysAuthenticationFailed()
    {
        var uri = Services.NewPostgresDatabase();
        var bad = uri.Replace("keel-test-pw", "not-the-password", StringComparison.Ordinal);
        var e = Assert.Throws<KeelException>(() => new PostgresMetadataStore(bad, TimeProvider.System).Dispose());
        Assert.Contains("authentication failed", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", e.Message, StringComparison.Ordinal);
    }

    [ServiceFact]
    public void Open_DatabaseMissing_SaysSo()
    {
        var uri = Services.Postgres!;
        var e = Assert.Throws<KeelException>(() => new PostgresMetadataStore(uri[..(uri.LastIndexOf('/') + 1)] + "nope_missing", TimeProvider.System).Dispose());
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
    }

    [ServiceFact]
    public void Parse_NotAPostgresUri_UsageError()
    {
        var e = Assert.Throws<KeelException>(() => PostgresUri.Parse("postgres://host:5432"));
        Assert.Contains("names no database", e.Message, StringComparison.Ordinal);
    }
}
