using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Keel.Models.Deployments;

namespace Keel.Server.Tests.Hosting;

public sealed class SwapAndGateTests : IAsyncLifetime
{
    private ServingWorkspace _ws = null!;

    public async Task InitializeAsync() => _ws = await ServingWorkspace.CreateAsync(onnx: true);

    [Fact]
    public async Task AliasMovesUnderLoad_NoRequestFailsAndTheNewVersionAnswers()
    {
        await using var factory = new KeelFactory(_ws.Workspace, new ServingOptions { PollInterval = TimeSpan.FromMilliseconds(50) });
        using var client = factory.CreateClient();
        var versions = new System.Collections.Concurrent.ConcurrentBag<int>();
        var failures = 0;
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var r = await client.PostAsJsonAsync("/v1/models/tiny/predict", new { tenure = 10.0, charges = 70.0, contract = "monthly" });
                if (r.StatusCode != HttpStatusCode.OK) Interlocked.Increment(ref failures);
                else versions.Add(JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("version").GetInt32());
            }
        })).ToArray();

        await WaitUntilAsync(() => versions.Count(v => v == 1) >= 20, "version 1 never answered 20 requests");
        await Deployer.DeployAsync(_ws.Workspace, "tiny@2", "production", 0, _ws.Root, CancellationToken.None);
        // The swap is done once version 2 has answered a steady stream, not a single request.
        // Before the poller survived a failed poll, the deploy racing a poll on this shared
        // workspace stopped it for good in 2 of 3 runs on a loaded machine.
        await WaitUntilAsync(() => versions.Count(v => v == 2) >= 20, "version 2 never answered 20 requests");
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.Equal(0, failures);
        Assert.Contains(1, versions);
        Assert.Contains(2, versions);
    }

    [Fact]
    public async Task FailingGate_ChangesNothing()
    {
        File.WriteAllText(Path.Combine(_ws.Root, "keel.yaml"), ServingWorkspace.KeelYaml.Replace("min: 0.6", "min: 0.999", StringComparison.Ordinal));
        var maxId = await _ws.Workspace.Metadata.Lineage.MaxIdAsync(CancellationToken.None);
        var objects = _ws.Workspace.Objects.List().Count();

        var e = await Assert.ThrowsAnyAsync<KeelException>(() => Deployer.DeployAsync(_ws.Workspace, "tiny@2", "production", 0, _ws.Root, CancellationToken.None));

        Assert.Equal(ExitCodes.CheckFailed, e.ExitCode);
        Assert.Contains("auc-floor", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, await _ws.Workspace.Metadata.Models.AliasVersionAsync("tiny", "production", null, CancellationToken.None));
        Assert.Equal(maxId, await _ws.Workspace.Metadata.Lineage.MaxIdAsync(CancellationToken.None));
        Assert.Single(await _ws.Workspace.Metadata.Models.DeploymentsAsync("tiny", CancellationToken.None));
        Assert.Equal(objects, _ws.Workspace.Objects.List().Count());
    }

    [Fact]
    public async Task OnnxBesideMLNet_BothServeAndAgree()
    {
        var options = new ServingOptions();
        options.Models.Add("tiny@1");
        options.Models.Add("tiny-onnx@1");
        await using var factory = new KeelFactory(_ws.Workspace, options);
        using var client = factory.CreateClient();
        var row = new { tenure = 5.0, charges = 95.0, contract = "monthly" };

        var mlnet = JsonDocument.Parse(await (await client.PostAsJsonAsync("/v1/models/tiny/predict", row)).Content.ReadAsStringAsync()).RootElement;
        var onnx = JsonDocument.Parse(await (await client.PostAsJsonAsync("/v1/models/tiny-onnx/predict", row)).Content.ReadAsStringAsync()).RootElement;

        var a = mlnet.GetProperty("predictions")[0].GetProperty("Probability").GetDouble();
        var b = onnx.GetProperty("predictions")[0].GetProperty("Probability").GetDouble();
        Assert.True(Math.Abs(a - b) < 1e-4, $"{a} vs {b}");
    }

    [Fact]
    public async Task Canary_SendsItsShareToTheNewVersion_AndRollbackEndsIt()
    {
        await Deployer.DeployAsync(_ws.Workspace, "tiny@2", "production", 25, _ws.Root, CancellationToken.None);
        await using var factory = new KeelFactory(_ws.Workspace, new ServingOptions());
        using var client = factory.CreateClient();

        var versions = new List<int>();
        for (var i = 0; i < 100; i++)
        {
            var r = await client.PostAsJsonAsync("/v1/models/tiny/predict", new { tenure = 10.0, charges = 70.0, contract = "monthly" });
            versions.Add(JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("version").GetInt32());
        }

        Assert.Equal(25, versions.Count(v => v == 2));
        Assert.Equal(1, await _ws.Workspace.Metadata.Models.AliasVersionAsync("tiny", "production", null, CancellationToken.None));
        var rollback = await Deployer.RollbackAsync(_ws.Workspace, "tiny", "production", CancellationToken.None);
        Assert.Equal(1, rollback.Version);
    }

    public Task DisposeAsync()
    {
        _ws.Dispose();
        return Task.CompletedTask;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string message)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), message);
            await Task.Delay(20);
        }
    }
}
