using System.Text;

namespace Keel.Bench.Team;

/// <summary>20 independent stages through Slurm (objects in S3) against the local executor: wall time per stage with --jobs 20.</summary>
internal sealed class SlurmOverheadBench : IBenchGroup
{
    private const int Stages = 20;

    public string Name => "slurm";

    public IEnumerable<Figure> Run(BenchContext context)
    {
        var slurm = Environment.GetEnvironmentVariable("KEEL_TEST_SLURM");
        var endpoint = Environment.GetEnvironmentVariable("KEEL_TEST_S3");
        if (string.IsNullOrEmpty(slurm) || string.IsNullOrEmpty(endpoint))
        {
            Console.Error.WriteLine("slurm: skipped (KEEL_TEST_SLURM or KEEL_TEST_S3 not set; start scripts/services.sh)");
            yield break;
        }
        var access = Environment.GetEnvironmentVariable("KEEL_TEST_S3_ACCESS_KEY") ?? "test:tester";
        var secret = Environment.GetEnvironmentVariable("KEEL_TEST_S3_SECRET_KEY") ?? "testing";
        var yaml = new StringBuilder("stages:\n");
        for (var i = 0; i < Stages; i++)
            yaml.Append($"  s{i}:\n    cmd: mkdir -p out && echo {i} > out/s{i}.txt\n    outs: [{{path: out/s{i}.txt, kind: data}}]\n");
        var local = Measure(context, "local", yaml.ToString(), null);
        var bucket = "keel-bench-" + Guid.NewGuid().ToString("N")[..10];
        BenchContext.Shell(context.Scratch, $"AWS_ACCESS_KEY_ID='{access}' AWS_SECRET_ACCESS_KEY='{secret}' AWS_DEFAULT_REGION=us-east-1 /usr/bin/aws --endpoint-url {endpoint} s3 mb s3://{bucket} >/dev/null");
        var remote = Measure(context, "slurm", yaml.ToString(),
            $"metadata: sqlite:.keel/keel.db\nobjects: s3://{Uri.EscapeDataString(access)}:{secret}@{bucket}/ws?endpoint={endpoint}\nexecutor: {slurm}?keel={Uri.EscapeDataString(context.Keel)}\n");
        yield return new Figure(Name, $"{Stages} independent stages, --jobs {Stages}: seconds per stage", remote / Stages, "s/stage", "local executor", local / Stages, remote / local);
    }

    private static double Measure(BenchContext context, string name, string yaml, string? config)
    {
        var ws = Path.Combine(context.Scratch, "slurm-" + name);
        if (Directory.Exists(ws)) Directory.Delete(ws, recursive: true);
        Directory.CreateDirectory(ws);
        context.RunKeel(ws, "init", ".");
        if (config is not null) File.WriteAllText(Path.Combine(ws, ".keel", "config.yaml"), config);
        File.WriteAllText(Path.Combine(ws, "keel.yaml"), yaml);
        return context.RunKeel(ws, "run", "--jobs", Stages.ToString(System.Globalization.CultureInfo.InvariantCulture), "--force").TotalSeconds;
    }
}
