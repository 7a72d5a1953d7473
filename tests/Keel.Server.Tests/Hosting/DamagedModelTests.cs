using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Keel.Models;
using Keel.Models.Registration;
using Keel.Objects;
using Keel.Registry;
using Keel.Testing;

namespace Keel.Server.Tests.Hosting;

/// <summary>The serving load path with a stored model damaged after it was registered, and with bytes that are no model.</summary>
public sealed class DamagedModelTests : IAsyncLifetime
{
    private ServingWorkspace _ws = null!;

    public async Task InitializeAsync() => _ws = await ServingWorkspace.CreateAsync();

    [Fact]
    public async Task LoadVersion_DamagedObject_RefusesNamingVersionAndDigest()
    {
        var v1 = await Resolve("tiny@1");
        Damage(v1.Digest);

        var e = Assert.ThrowsAny<KeelException>(() => ModelFlavors.LoadVersion(_ws.Workspace, v1));

        Assert.Equal(ExitCodes.CheckFailed, e.ExitCode);
        Assert.Contains("model tiny@1 (" + v1.Digest + ") is damaged", e.Message, StringComparison.Ordinal);
        Assert.Contains("keel fsck", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task LoadVersion_BytesThatAreNoModel_NamesVersionAndDigestNotATempFile()
    {
        var bytes = "these bytes are not a zip"u8.ToArray();
        var digest = ContentHasher.Hash(bytes);
        _ws.Workspace.Objects.Put(digest, bytes);
        var broken = await Resolve("tiny@1") with { Version = 9, Digest = digest };

        var e = Assert.ThrowsAny<KeelException>(() => ModelFlavors.LoadVersion(_ws.Workspace, broken));

        Assert.Contains("model tiny@9 (" + digest + ") could not be loaded", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("model-", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(".keel", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ProductionVersionDamaged_RefusesToServe()
    {
        Damage((await Resolve("tiny@1")).Digest);

        var e = Assert.ThrowsAny<KeelException>(() =>
        {
            using var factory = new KeelFactory(_ws.Workspace, new ServingOptions());
            using var client = factory.CreateClient();
        });

        Assert.Contains("model tiny@1 (", e.Message, StringComparison.Ordinal);
        Assert.Contains("is damaged", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_AliasMovedToADamagedVersion_KeepsServingTheOldOne()
    {
        await using var factory = new KeelFactory(_ws.Workspace, new ServingOptions { PollInterval = TimeSpan.FromMilliseconds(50) });
        using var client = factory.CreateClient();
        Assert.Equal(1, await Version(client));
        Damage((await Resolve("tiny@2")).Digest);

        await _ws.Workspace.Metadata.Models.SetAliasAsync("tiny", "production", 2, DateTimeOffset.UtcNow, CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!(await client.GetStringAsync("/metrics")).Contains("keel_model_swap_failures_total{model=\"tiny\"}", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
            await Task.Delay(50);

        Assert.Contains("keel_model_swap_failures_total{model=\"tiny\"}", await client.GetStringAsync("/metrics"), StringComparison.Ordinal);
        Assert.Equal(1, await Version(client));
    }

    private static async Task<int> Version(HttpClient client)
    {
        var r = await client.PostAsJsonAsync("/v1/models/tiny/predict", new { tenure = 10.0, charges = 70.0, contract = "monthly" });
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("version").GetInt32();
    }

    private Task<ModelVersion> Resolve(string reference) => ModelResolver.ResolveAsync(_ws.Workspace, reference, null, CancellationToken.None);

    /// <summary>Flips one byte of a stored object, as a tamperer would (chmod, edit).</summary>
    private void Damage(Digest digest) => Tamper.FlipByte(Path.Combine(_ws.Root, ".keel", "objects", digest.Hex[..2], digest.Hex[2..]));

    public Task DisposeAsync()
    {
        _ws.Dispose();
        return Task.CompletedTask;
    }
}
