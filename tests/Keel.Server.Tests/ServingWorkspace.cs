using Keel.Models.Deployments;
using Keel.Models.Registration;
using Keel.Tests.Shared;
using Keel.Workspaces;

namespace Keel.Server.Tests;

/// <summary>
/// A temp workspace with the tiny churn model registered as tiny@1 (20 trees) and tiny@2
/// (40 trees), behaviour tests in keel.yaml, and tiny@1 deployed as production.
/// </summary>
internal sealed class ServingWorkspace : IDisposable
{
    public const string KeelYaml = """
        stages: {}
        models:
          tiny:
            description: churn probability for the tests
            label: churned
            holdout: data/holdout.csv
            tests:
              - {name: auc-floor, type: metric, metric: auc, min: 0.6}
              - {name: per-contract, type: slice, by: contract, metric: auc, min: 0.5}
              - {name: ignores-id, type: invariance, field: customer_id, eps: 0.000001}
              - {name: tenure-lowers-churn, type: directional, field: tenure, delta: 24, expect: decrease, min: 0.5}
              - {name: schema, type: schema}
              - {name: fast, type: latency, max_ms: 1000, rows: 50}
        """;

    private ServingWorkspace(string root)
    {
        Root = root;
        Workspace = Workspace.Init(root, TimeProvider.System);
    }

    public string Root { get; }

    public Workspace Workspace { get; }

    public TinyChurnModel Tiny { get; private set; } = null!;

    public static async Task<ServingWorkspace> CreateAsync(bool onnx = false)
    {
        var ws = new ServingWorkspace(Path.Combine(Path.GetTempPath(), "keel-serving-" + Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(Path.Combine(ws.Root, "data"));
        File.WriteAllText(Path.Combine(ws.Root, "keel.yaml"), KeelYaml);
        ws.Tiny = TinyChurnModel.Train(Path.Combine(ws.Root, "data"), trees: 20, onnx: onnx);
        var v1 = Path.Combine(ws.Root, "data", "v1.zip");
        File.Move(ws.Tiny.ZipPath, v1);
        await ws.RegisterAsync("tiny", "data/v1.zip");
        TinyChurnModel.Train(Path.Combine(ws.Root, "data"), trees: 40);
        File.Move(ws.Tiny.ZipPath, Path.Combine(ws.Root, "data", "v2.zip"));
        await ws.RegisterAsync("tiny", "data/v2.zip");
        if (onnx) await ws.RegisterAsync("tiny-onnx", "data/model.onnx");
        await Deployer.DeployAsync(ws.Workspace, "tiny@1", "production", 0, ws.Root, CancellationToken.None);
        return ws;
    }

    public Task RegisterAsync(string name, string path) =>
        ModelRegistrar.RegisterAsync(Workspace, new RegisterRequest(name, null, path, null, "data/train.csv", null, null, null, null, Root), CancellationToken.None);

    public void Dispose()
    {
        Workspace.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
