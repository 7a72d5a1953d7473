using System.CommandLine;

namespace Keel.Cli.Commands;

/// <summary><c>keel worker run --spec B64</c>: what a Slurm job runs on its node (hidden; not for people).</summary>
internal static class WorkerCommand
{
    public static void AddTo(RootCommand root)
    {
        var spec = new Option<string>("--spec") { Description = "the stage, base64 JSON", Required = true };
        var scratch = new Option<string>("--scratch") { Description = "node-local folder for inputs and outputs", DefaultValueFactory = _ => Path.GetTempPath() };
        var run = new Command("run", "fetch inputs from the object store, run the stage, push outputs") { spec, scratch };
        run.SetAction(async (parse, ct) =>
        {
            var objects = Environment.GetEnvironmentVariable("KEEL_WORKER_OBJECTS")
                ?? throw new KeelException("KEEL_WORKER_OBJECTS is not set; 'keel worker' runs inside jobs that Keel submits");
            return await Slurm.SlurmWorker.RunAsync(parse.GetValue(spec)!, objects, parse.GetValue(scratch)!, ct).ConfigureAwait(false);
        });
        var worker = new Command("worker", "run one stage on a cluster node (used by the Slurm executor)") { Hidden = true };
        worker.Subcommands.Add(run);
        root.Subcommands.Add(worker);
    }
}
