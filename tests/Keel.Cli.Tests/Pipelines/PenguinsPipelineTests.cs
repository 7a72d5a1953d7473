using System.Text.Json;

namespace Keel.Cli.Tests.Pipelines;

public sealed class PenguinsPipelineTests : IDisposable
{
    private readonly PipelineCli _cli = new();

    public void Dispose() => _cli.Dispose();

    // The same layout `keel quickstart` gives churn: keel.yaml and the build props at the root,
    // the program and the shared helpers under examples/.
    private void LayOutPenguins()
    {
        var repo = PipelineCli.Repo;
        Copy(Path.Combine(repo, "examples/penguins"), _cli.PathOf("examples/penguins"));
        Copy(Path.Combine(repo, "examples/shared"), _cli.PathOf("examples/shared"));
        File.Move(_cli.PathOf("examples/penguins/keel.yaml"), _cli.PathOf("keel.yaml"));
        foreach (var props in Directory.GetFiles(Path.Combine(repo, "src/Keel.Cli/Quickstart/Files")))
            File.Copy(props, _cli.PathOf(Path.GetFileName(props)));
    }

    private static void Copy(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj") continue;
            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [Fact]
    public void Run_PenguinsExample_TrainsAClassifierAboveTheAccuracyFloor()
    {
        LayOutPenguins();

        var states = _cli.States();

        Assert.Equal(["build", "prepare", "train", "evaluate"], states.Keys);
        Assert.All(states.Values, s => Assert.Equal("ran", s));
        using var metrics = JsonDocument.Parse(_cli.Read("metrics/penguins.json"));
        // Measured 1.00 macro accuracy (SDCA, seed 42, 86 holdout birds); examples/penguins/README.md.
        Assert.InRange(metrics.RootElement.GetProperty("macro_accuracy").GetDouble(), 0.95, 1.0);
        Assert.InRange(metrics.RootElement.GetProperty("log_loss").GetDouble(), 0.0, 0.2);
        Assert.All(_cli.States().Values, s => Assert.Equal("skipped", s));
    }
}
