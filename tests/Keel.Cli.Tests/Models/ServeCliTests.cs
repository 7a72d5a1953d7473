using System.Net.Http.Json;
using System.Text.Json;
using Keel.Tests.Shared;

namespace Keel.Cli.Tests.Models;

public sealed class ServeCliTests
{
    [Fact]
    public async Task RegisterTestDeployServe_RealBinary_ServesAndRecords()
    {
        using var ws = TempWorkspace.Init();
        TinyChurnModel.Train(ws.PathOf("data"));
        ws.Write("keel.yaml", TinyModelYaml.WithTests);

        var registered = ws.Keel("models", "register", "tiny", "--path", "data/model.zip", "--train", "data/train.csv", "--description", "test model", "--json");
        Assert.Equal(0, registered.ExitCode);
        Assert.Equal("tiny@1", registered.Json().GetProperty("model").GetProperty("ref").GetString());
        var tested = ws.Keel("test", "tiny@1", "--json");
        Assert.True(tested.ExitCode == 0, tested.ToString());
        Assert.True(tested.Json().GetProperty("report").GetProperty("passed").GetBoolean());
        var deployed = ws.Keel("deploy", "tiny@1", "--alias", "production", "--json");
        Assert.True(deployed.ExitCode == 0, deployed.ToString());
        var reserved = ws.Keel("models", "alias", "tiny@1", "latest");
        Assert.Equal(2, reserved.ExitCode);
        var shown = ws.Keel("models", "show", "tiny@production", "--json");
        Assert.Equal(1, shown.Json().GetProperty("model").GetProperty("version").GetInt32());

        using var server = KeelProcess.Start(ws.Root, "serve", "--port", "0");
        try
        {
            var line = await server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.StartsWith("serving on http://127.0.0.1:", line, StringComparison.Ordinal);
            using var http = new HttpClient { BaseAddress = new Uri(line!["serving on ".Length..].Split(' ')[0]) };
            var response = await http.PostAsJsonAsync("/v1/models/tiny/predict", new { tenure = 3.0, charges = 90.0, contract = "monthly" });
            var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(1, json.GetProperty("version").GetInt32());
            var bad = await http.PostAsJsonAsync("/invocations", new { dataframe_records = new[] { new { tenure = "x" } } });
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    [Fact]
    public void Deploy_FailingGate_ExitsOneListingFailuresAndMovesNothing()
    {
        using var ws = TempWorkspace.Init();
        TinyChurnModel.Train(ws.PathOf("data"));
        ws.Write("keel.yaml", TinyModelYaml.WithTests.Replace("min: 0.6", "min: 0.9999", StringComparison.Ordinal));
        Assert.Equal(0, ws.Keel("models", "register", "tiny", "--path", "data/model.zip", "--train", "data/train.csv").ExitCode);

        var deployed = ws.Keel("deploy", "tiny@1", "--alias", "production");
        var shown = ws.Keel("models", "show", "tiny@production");

        Assert.Equal(1, deployed.ExitCode);
        Assert.Contains("auc-floor", deployed.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, shown.ExitCode);
        Assert.Contains("not set", shown.Stderr, StringComparison.Ordinal);
    }
}
