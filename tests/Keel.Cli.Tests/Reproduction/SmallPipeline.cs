using Keel.Cli.Tests.Pipelines;

namespace Keel.Cli.Tests.Reproduction;

/// <summary>
/// A two-stage pipeline in a git repository, run once: <c>prepare</c> upper-cases raw data,
/// <c>train</c> writes a "model" and metrics. Small and fast, for the failure and rejection tests.
/// </summary>
public sealed class SmallPipeline : IDisposable
{
    public const string Yaml = """
        stages:
          prepare:
            cmd: mkdir -p data/clean && tr a-z A-Z < data/raw.txt > data/clean/rows.txt
            deps: [data/raw.txt]
            outs: [{path: data/clean, kind: data}]
            compare: {data/clean: {method: exact}}
          train:
            cmd: mkdir -p models && (cat data/clean/rows.txt; echo "seed=$KEEL_SEED") > models/m.bin && echo '{"auc":0.75}' > metrics.json
            deps: [data/clean]
            seed: 11
            outs: [{path: models/m.bin, kind: model}, {path: metrics.json, kind: metrics}]
            compare: {models/m.bin: {method: exact}, metrics.json: {method: metrics, abs: 0.001}}
        """;

    public SmallPipeline()
    {
        Temp = Directory.CreateTempSubdirectory("keel-repro-small-").FullName;
        Cli = new ReproCli(Path.Combine(Temp, "home"));
        Root = Path.Combine(Temp, "ws");
        PipelineCli.Check(Cli.NewPipeline(Root, Yaml, ("data/raw.txt", "alpha\nbeta\ngamma\n")));
        PipelineCli.Check(Cli.Run(Temp, "keys", "generate"));
        Bundle = Path.Combine(Temp, "m.keelbundle");
        PipelineCli.Check(Cli.Run(Root, "verify", "models/m.bin", "--report", Path.Combine(Temp, "verify")));
        PipelineCli.Check(Cli.Run(Root, "bundle", "export", "models/m.bin", "-o", Bundle));
    }

    public string Temp { get; }

    internal ReproCli Cli { get; }

    public string Root { get; }

    public string Bundle { get; }

    public string Attestation => Path.Combine(Temp, "verify", "attestation.dsse.json");

    /// <summary>A new empty workspace.</summary>
    public string NewWorkspace(string name)
    {
        var dir = Path.Combine(Temp, name);
        Directory.CreateDirectory(dir);
        PipelineCli.Check(Cli.Run(dir, "init"));
        return dir;
    }

    public void Dispose()
    {
        try
        {
            foreach (var f in Directory.EnumerateFiles(Temp, "*", SearchOption.AllDirectories)) File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Directory.Delete(Temp, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
